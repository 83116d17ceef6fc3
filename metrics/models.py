import uuid

from django.conf import settings
from django.db import models

from organizations.tenancy import OrganizationScopedModel

# --- Reference data: the frameworks (NIST CSF 2.0, NIST AI RMF 1.0), shared by every organization.


class Framework(models.Model):
    id = models.CharField(primary_key=True, max_length=32, help_text="Public id, e.g. csf-2.0")
    source_id = models.CharField(max_length=64, help_text="The id in the source file, e.g. NIST-CSF-2.0")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=64)
    version = models.CharField(max_length=16)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    source = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.short_name


class FrameworkFunction(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="functions")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    overview = models.JSONField(default=list, blank=True)
    metric_prefix = models.CharField(max_length=8, help_text="Prefix of metric numbers, e.g. PR in PR-001")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="framework_function_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.framework_id} {self.code}"

    @property
    def display_name(self) -> str:
        return self.name.upper()


class FrameworkCategory(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="categories")
    function = models.ForeignKey(FrameworkFunction, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework__order", "function__order", "order"]
        verbose_name_plural = "framework categories"
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="framework_category_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.framework_id} {self.code}"


class FrameworkSubcategory(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="subcategories")
    category = models.ForeignKey(FrameworkCategory, on_delete=models.CASCADE, related_name="subcategories")
    code = models.CharField(max_length=16)
    description = models.TextField()
    implementation_examples = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework__order", "category__function__order", "category__order", "order"]
        verbose_name_plural = "framework subcategories"
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="framework_subcategory_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.framework_id} {self.code}"


# --- Tenant data: catalogs of metrics, their values over time.


class Catalog(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=False)
    is_default = models.BooleanField(
        default=False, help_text="Created from the catalog that ships with Palisade."
    )

    class Meta:
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="catalog_unique_name"),
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(is_active=True), name="catalog_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", "Higher is better"
    LOWER_IS_BETTER = "lower_is_better", "Lower is better"


class Priority(models.TextChoices):
    HIGH = "High", "High"
    MEDIUM = "Medium", "Medium"
    LOW = "Low", "Low"


class MetricSource(models.TextChoices):
    DEFAULT = "default", "Default catalog"
    MANUAL = "manual", "Entered by hand"
    IMPORT = "import", "CSV import"
    AI = "ai", "AI assistant"


class Metric(OrganizationScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="metrics")
    metric_number = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    current_value = models.FloatField(null=True, blank=True)
    target_value = models.FloatField()
    unit = models.CharField(max_length=32, blank=True)
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    function = models.ForeignKey(FrameworkFunction, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(FrameworkCategory, on_delete=models.PROTECT, related_name="+")
    subcategory = models.ForeignKey(
        FrameworkSubcategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    is_locked = models.BooleanField(default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=MetricSource.choices, default=MetricSource.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["metric_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "metric_number"], name="metric_unique_number_per_catalog"
            )
        ]
        indexes = [models.Index(fields=["catalog", "function"], name="metric_catalog_function")]

    def __str__(self) -> str:
        return f"{self.metric_number} {self.name}"


class MetricValue(OrganizationScopedModel):
    """One point of a metric's history: every change of current_value appends one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="history")
    value = models.FloatField()
    recorded_at = models.DateTimeField(db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["metric", "recorded_at"], name="metric_value_metric_time")]

    def __str__(self) -> str:
        return f"{self.metric_id} = {self.value} at {self.recorded_at:%Y-%m-%d}"


# --- Demo mode: anonymous sessions, isolated from every organization.


class DemoSession(models.Model):
    """A visitor trying Palisade. Only a digest of the session token is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_digest = models.CharField(max_length=64, unique=True)
    email = models.EmailField(db_index=True)
    video_skipped = models.BooleanField(default=False)
    demo_started_at = models.DateTimeField(null=True, blank=True)
    demo_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    start_deadline = models.DateTimeField(help_text="An unstarted session lapses at this time.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"demo {self.email} ({self.created_at:%Y-%m-%d})"


class DemoMetric(models.Model):
    """A metric a demo visitor had the assistant create; counts against the per-framework quota."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(DemoSession, on_delete=models.CASCADE, related_name="metrics")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(FrameworkCategory, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    current_value = models.FloatField(null=True, blank=True)
    target_value = models.FloatField()
    unit = models.CharField(max_length=32, blank=True)
    direction = models.CharField(max_length=16, choices=Direction.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices)
    starter_id = models.CharField(max_length=64)
    refinement_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.name} (demo)"
