import uuid

from django.db import models

from organizations.tenancy import OrganizationScopedModel


class Plan(models.Model):
    """A plan of the catalog (free, pro, enterprise): prices, limits and features as data.

    Seeded by a data migration and edited in the admin; no code branches on a plan's code.
    A limit left empty means unlimited.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    rank = models.PositiveSmallIntegerField(
        unique=True, help_text="Orders plans: a higher rank is an upgrade, a lower one a downgrade."
    )
    is_active = models.BooleanField(default=True, help_text="Inactive plans cannot be chosen any more.")
    monthly_price = models.PositiveIntegerField(help_text="In the smallest unit of the currency (cents).")
    currency = models.CharField(max_length=3, default="usd")
    scans_per_month = models.PositiveIntegerField(null=True, blank=True)
    api_calls_per_day = models.PositiveIntegerField(null=True, blank=True)
    ai_calls_per_month = models.PositiveIntegerField(null=True, blank=True)
    requests_per_second = models.PositiveIntegerField()
    ingest_events_per_minute = models.PositiveIntegerField()
    seats = models.PositiveIntegerField(null=True, blank=True)
    includes_custom_rules = models.BooleanField(default=False)
    includes_slack = models.BooleanField(default=False)
    includes_soc2 = models.BooleanField(default=False)
    includes_ai_assistant = models.BooleanField(default=False)
    includes_ai_playbooks = models.BooleanField(default=False)
    stripe_price_id = models.CharField(
        max_length=255, blank=True, help_text="The Stripe Price (monthly) subscribing to this plan."
    )

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    def includes(self, feature: str) -> bool:
        return bool(getattr(self, f"includes_{feature}", False))


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    TRIALING = "trialing", "Trialing"
    PAST_DUE = "past_due", "Past due"
    UNPAID = "unpaid", "Unpaid"
    INCOMPLETE = "incomplete", "Incomplete"
    CANCELED = "canceled", "Canceled"


class Subscription(OrganizationScopedModel):
    """The one subscription of an organization: its plan, status and current billing cycle."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(
        max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    billing_cycle_start = models.DateTimeField()
    billing_cycle_end = models.DateTimeField()
    pending_plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A downgrade that takes effect at the end of the current cycle.",
    )
    past_due_since = models.DateTimeField(null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_synced_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Creation time of the newest Stripe event applied; older events never roll it back.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="subscription_one_per_organization")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.plan_id} ({self.status})"


class UsageResource(models.TextChoices):
    SCANS = "scans", "Scans"
    API_CALLS = "api_calls", "API calls"
    INGESTED_EVENTS = "ingested_events", "Ingested events"
    AI_CALLS = "ai_calls", "AI calls"


class UsageWindow(models.TextChoices):
    CYCLE = "cycle", "Billing cycle"
    DAY = "day", "Day (UTC)"


class UsageCounter(OrganizationScopedModel):
    """How much of a resource an organization used in one window (a billing cycle or a UTC day).

    Incremented only by a single UPDATE ... SET count = count + n, so parallel requests never
    lose an increment.
    """

    id = models.BigAutoField(primary_key=True)
    resource = models.CharField(max_length=24, choices=UsageResource.choices)
    window = models.CharField(max_length=8, choices=UsageWindow.choices)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-window_start", "resource"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "resource", "window", "window_start"],
                name="usage_counter_unique_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.window} from {self.window_start:%Y-%m-%d}: {self.count}"


class StripeEventOutcome(models.TextChoices):
    APPLIED = "applied", "Applied"
    STALE = "stale", "Older than what was applied; not applied"
    IGNORED = "ignored", "Not a type Palisade acts on (synced only)"
    UNMATCHED = "unmatched", "No organization matches it"


class StripeEventRecord(models.Model):
    """Every Stripe event Palisade processed, once: the idempotency and ordering record.

    Cross-tenant by nature (Stripe posts for every organization), so it names no organization;
    the subscription it changed is in the audit log.
    """

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=250)
    object_id = models.CharField(max_length=255, blank=True, db_index=True)
    event_created = models.DateTimeField(help_text="When Stripe created the event.")
    outcome = models.CharField(max_length=12, choices=StripeEventOutcome.choices)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-event_created"]
        verbose_name = "processed Stripe event"

    def __str__(self) -> str:
        return f"{self.type} {self.event_id} ({self.outcome})"
