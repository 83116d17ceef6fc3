from rest_framework import serializers

from metrics.models import Catalog, Direction, Metric, Priority
from metrics.scoring import metric_gap, metric_score, rating


class MetricInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    current_value = serializers.FloatField(required=False, allow_null=True, default=None)
    target_value = serializers.FloatField()
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.HIGHER_IS_BETTER)
    framework = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="csf-2.0 or ai-rmf-1.0; inferred from the category when absent.",
    )
    csf_function = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        help_text="Code (PR) or name (PROTECT); must match the category.",
    )
    csf_category = serializers.CharField(max_length=20, help_text="Category code, e.g. PR.AA or GOVERN 1.")
    subcategory = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.MEDIUM)
    catalog_id = serializers.UUIDField(required=False, help_text="Defaults to the active catalog.")


class MetricUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    current_value = serializers.FloatField(required=False, allow_null=True)
    target_value = serializers.FloatField(required=False)
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    framework = serializers.CharField(max_length=32, required=False)
    csf_function = serializers.CharField(max_length=50, required=False)
    csf_category = serializers.CharField(max_length=20, required=False)
    subcategory = serializers.CharField(max_length=20, required=False, allow_null=True, allow_blank=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    is_locked = serializers.BooleanField(required=False, help_text="Only admins may lock or unlock.")


class HistoryPointSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField(source="recorded_at")
    value = serializers.FloatField()


class MetricOutputSerializer(serializers.ModelSerializer):
    catalog_id = serializers.UUIDField(read_only=True)
    framework = serializers.CharField(source="framework_id", read_only=True)
    csf_function = serializers.CharField(source="function.display_name", read_only=True)
    function_code = serializers.CharField(source="function.code", read_only=True)
    csf_category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    subcategory = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()
    gap = serializers.SerializerMethodField()
    source = serializers.CharField(read_only=True, help_text="default, manual, import or ai")  # type: ignore[assignment]

    class Meta:
        model = Metric
        fields = [
            "id",
            "catalog_id",
            "metric_number",
            "name",
            "description",
            "current_value",
            "target_value",
            "unit",
            "direction",
            "framework",
            "csf_function",
            "function_code",
            "csf_category",
            "category_name",
            "subcategory",
            "priority",
            "score",
            "rating",
            "gap",
            "is_locked",
            "source",
            "created_at",
            "updated_at",
        ]

    def get_subcategory(self, metric: Metric) -> str | None:
        return metric.subcategory.code if metric.subcategory else None

    def get_score(self, metric: Metric) -> float | None:
        return metric_score(metric.current_value, metric.target_value, metric.direction)

    def get_rating(self, metric: Metric) -> str | None:
        return rating(self.get_score(metric))

    def get_gap(self, metric: Metric) -> float | None:
        return metric_gap(metric.current_value, metric.target_value, metric.direction)


class MetricDetailOutputSerializer(MetricOutputSerializer):
    history = HistoryPointSerializer(many=True, source="recent_history", read_only=True)

    class Meta(MetricOutputSerializer.Meta):
        fields = [*MetricOutputSerializer.Meta.fields, "locked_at", "history"]


class MetricCompactOutputSerializer(serializers.ModelSerializer):
    csf_category = serializers.CharField(source="category.code", read_only=True)
    score = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = [
            "id",
            "metric_number",
            "name",
            "current_value",
            "target_value",
            "unit",
            "csf_category",
            "priority",
            "score",
            "is_locked",
        ]

    def get_score(self, metric: Metric) -> float | None:
        return metric_score(metric.current_value, metric.target_value, metric.direction)


class CatalogInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    include_default_metrics = serializers.BooleanField(
        default=False, help_text="Start from Palisade's default metrics."
    )


class CatalogUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class CatalogOutputSerializer(serializers.ModelSerializer):
    owner_id = serializers.UUIDField(read_only=True, allow_null=True)
    metric_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Catalog
        fields = [
            "id",
            "name",
            "description",
            "owner_id",
            "is_active",
            "is_default",
            "metric_count",
            "created_at",
            "updated_at",
        ]


class CatalogDetailOutputSerializer(CatalogOutputSerializer):
    metrics = MetricCompactOutputSerializer(many=True, read_only=True)

    class Meta(CatalogOutputSerializer.Meta):
        fields = [*CatalogOutputSerializer.Meta.fields, "metrics"]


class CatalogActivatedOutputSerializer(serializers.Serializer):
    message = serializers.CharField()
    catalog_id = serializers.UUIDField()


class CatalogRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class ActiveCatalogMetricsOutputSerializer(serializers.Serializer):
    catalog = CatalogRefSerializer()
    metrics = MetricCompactOutputSerializer(many=True)
    total = serializers.IntegerField()


class CatalogImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A UTF-8 CSV file with a header row.")
    field_mapping = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text='JSON object: Palisade field -> CSV column, e.g. {"name": "Metric Name"}.',
    )
    dry_run = serializers.BooleanField(default=False, help_text="Validate only; import nothing.")


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    error = serializers.CharField()


class ImportSkippedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    reason = serializers.CharField()


class CatalogImportOutputSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    valid_rows = serializers.IntegerField()
    skipped = serializers.IntegerField()
    errors = ImportRowErrorSerializer(many=True)  # type: ignore[assignment]
    skipped_rows = ImportSkippedRowSerializer(many=True)
    dry_run = serializers.BooleanField()
    field_mapping = serializers.DictField(child=serializers.CharField())
