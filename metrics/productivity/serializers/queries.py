"""Query parameters and answers of the metrics, agents and analytics reads."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from rest_framework import serializers

from metrics.productivity.selectors.analytics import COMPARISON_PERIODS, STATISTICS
from metrics.productivity.selectors.metrics import AGGREGATION_CHOICES

MAX_RANGE_DAYS = 3660
EARLIEST_DATE = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_DATE = datetime(2200, 1, 1, tzinfo=UTC)


def within_supported_years(value: datetime) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError("Must be between 1970 and 2200.")


class DateRangeMixin(serializers.Serializer):
    start_date = serializers.DateTimeField(
        required=False, help_text="Inclusive, ISO 8601.", validators=[within_supported_years]
    )
    end_date = serializers.DateTimeField(
        required=False, help_text="Exclusive, ISO 8601.", validators=[within_supported_years]
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and start >= end:
            raise serializers.ValidationError({"end_date": "Must be after start_date."})
        if start and end and end - start > timedelta(days=MAX_RANGE_DAYS):
            raise serializers.ValidationError({"end_date": f"A range spans at most {MAX_RANGE_DAYS} days."})
        return attrs


class MetricsQuerySerializer(DateRangeMixin):
    user_id = serializers.UUIDField(required=False)
    team_id = serializers.UUIDField(required=False)
    metric_type = serializers.CharField(required=False, max_length=100)
    aggregation = serializers.ChoiceField(
        choices=AGGREGATION_CHOICES, required=False, help_text="Group into buckets by the database."
    )


class MetricRowOutputSerializer(serializers.Serializer):
    """A stored value; with `aggregation`, one bucket per metric type (timestamp = bucket start,
    value = sum) with its statistics."""

    id = serializers.UUIDField(required=False, help_text="Raw rows only.")
    timestamp = serializers.DateTimeField()
    metric_type = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    user_id = serializers.UUIDField(required=False, allow_null=True, help_text="Raw rows only.")
    team_id = serializers.UUIDField(required=False, allow_null=True, help_text="Raw rows only.")
    metadata = serializers.DictField(required=False, help_text="Raw rows only.")
    count = serializers.IntegerField(required=False, help_text="Buckets only.")
    sum = serializers.FloatField(required=False, allow_null=True)
    avg = serializers.FloatField(required=False, allow_null=True)
    min = serializers.FloatField(required=False, allow_null=True)
    max = serializers.FloatField(required=False, allow_null=True)
    p50 = serializers.FloatField(
        required=False, allow_null=True, help_text="PostgreSQL only; null elsewhere."
    )
    p95 = serializers.FloatField(
        required=False, allow_null=True, help_text="PostgreSQL only; null elsewhere."
    )


class AgentsQuerySerializer(DateRangeMixin):
    agent_name = serializers.CharField(required=False, max_length=120)
    user_id = serializers.UUIDField(required=False)
    team_id = serializers.UUIDField(required=False)
    success_only = serializers.BooleanField(required=False, default=False)


class AgentStatisticsSerializer(serializers.Serializer):
    executions = serializers.IntegerField()
    successes = serializers.IntegerField()
    failures = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True, help_text="successes / executions x 100")
    avg_ms = serializers.FloatField(allow_null=True)
    min_ms = serializers.IntegerField(allow_null=True)
    max_ms = serializers.IntegerField(allow_null=True)
    p50_ms = serializers.FloatField(allow_null=True)
    p95_ms = serializers.FloatField(allow_null=True)
    sessions = serializers.IntegerField()
    tokens_used = serializers.IntegerField(allow_null=True)
    cost_usd = serializers.FloatField(allow_null=True)


class AgentRowSerializer(AgentStatisticsSerializer):
    agent_name = serializers.CharField()


class AgentTeamRowSerializer(AgentStatisticsSerializer):
    team_id = serializers.UUIDField(source="team_uuid")
    team_name = serializers.CharField()


class AgentsOutputSerializer(serializers.Serializer):
    totals = AgentStatisticsSerializer()
    agents = AgentRowSerializer(many=True)
    percentiles = serializers.BooleanField(help_text="Whether the database computed p50/p95.")


def default_range(attrs: dict, days: int = 30) -> tuple:
    end = attrs.get("end_date") or timezone.now()
    start = attrs.get("start_date") or end - timedelta(days=days)
    return start, end


class CommaListField(serializers.ListField):
    """A list given as `a,b` or as repeated parameters."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [part for part in data.split(",") if part.strip()]
        elif isinstance(data, list) and len(data) == 1 and isinstance(data[0], str):
            data = [part for part in data[0].split(",") if part.strip()]
        return super().to_internal_value(data)


class TrendsQuerySerializer(DateRangeMixin):
    team_id = serializers.UUIDField(required=False)
    user_id = serializers.UUIDField(required=False)
    metric_types = CommaListField(child=serializers.CharField(max_length=100), required=False, max_length=50)
    comparison_period = serializers.ChoiceField(choices=COMPARISON_PERIODS, default="previous_period")
    granularity = serializers.ChoiceField(choices=AGGREGATION_CHOICES, default="day")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start, end = default_range(attrs)
        buckets = (end - start) / {
            "hour": timedelta(hours=1),
            "day": timedelta(days=1),
            "week": timedelta(weeks=1),
            "month": timedelta(days=28),
        }[attrs["granularity"]]
        if buckets > 1000:
            raise serializers.ValidationError(
                {"granularity": "Too many periods (over 1000); pick a coarser one."}
            )
        return attrs


class PeriodSerializer(serializers.Serializer):
    period = serializers.DateTimeField()
    value = serializers.FloatField()
    count = serializers.IntegerField()
    growth_rate = serializers.FloatField(allow_null=True, help_text="Against the period before, in %.")


class TrendSeriesSerializer(serializers.Serializer):
    metric_type = serializers.CharField()
    total = serializers.FloatField()
    count = serializers.IntegerField()
    previous_total = serializers.FloatField()
    change = serializers.FloatField()
    growth_rate = serializers.FloatField(allow_null=True)
    periods = PeriodSerializer(many=True)


class TrendsOutputSerializer(serializers.Serializer):
    start_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField()
    granularity = serializers.CharField()
    comparison_period = serializers.CharField()
    comparison_start_date = serializers.DateTimeField()
    comparison_end_date = serializers.DateTimeField()
    team_id = serializers.UUIDField(allow_null=True)
    metrics = TrendSeriesSerializer(many=True)
    insights = serializers.ListField(child=serializers.CharField())


DATE_RANGES = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}


class TeamComparisonQuerySerializer(DateRangeMixin):
    team_ids = CommaListField(child=serializers.UUIDField(), required=False, max_length=100)
    metric_types = CommaListField(child=serializers.CharField(max_length=100), required=False, max_length=50)
    date_range = serializers.ChoiceField(
        choices=list(DATE_RANGES), required=False, help_text="The last N days (start/end override it)."
    )
    statistic = serializers.ChoiceField(choices=STATISTICS, default="total")
    order = serializers.ChoiceField(
        choices=["desc", "asc"], default="desc", help_text="asc: lower ranks first."
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        days = DATE_RANGES.get(attrs.get("date_range") or "30d", 30)
        attrs["start_date"], attrs["end_date"] = default_range(attrs, days)
        return attrs


class TeamMetricSerializer(serializers.Serializer):
    metric_type = serializers.CharField()
    total = serializers.FloatField()
    count = serializers.IntegerField()
    avg = serializers.FloatField(allow_null=True)
    per_member = serializers.FloatField(allow_null=True)


class TeamFiguresSerializer(serializers.Serializer):
    team_id = serializers.UUIDField()
    team_name = serializers.CharField()
    members = serializers.IntegerField()
    metrics = TeamMetricSerializer(many=True)


class RankEntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    team_id = serializers.UUIDField()
    team_name = serializers.CharField()
    value = serializers.FloatField(allow_null=True)


class RankingSerializer(serializers.Serializer):
    metric_type = serializers.CharField()
    teams = RankEntrySerializer(many=True)


class TeamComparisonOutputSerializer(serializers.Serializer):
    start_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField()
    statistic = serializers.CharField()
    order = serializers.CharField()
    metric_types = serializers.ListField(child=serializers.CharField())
    teams = TeamFiguresSerializer(many=True)
    rankings = RankingSerializer(many=True)


class AgentOutcomesQuerySerializer(DateRangeMixin):
    team_id = serializers.UUIDField(required=False)
    delivery_metric_types = CommaListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=20,
        help_text="Productivity metric types shown beside agent usage (e.g. pr_cycle_time_hours).",
    )


class DeliverySerializer(serializers.Serializer):
    metric_type = serializers.CharField()
    total = serializers.FloatField()
    count = serializers.IntegerField()
    avg = serializers.FloatField(allow_null=True)


class AgentOutcomeTeamSerializer(serializers.Serializer):
    team_id = serializers.UUIDField()
    team_name = serializers.CharField()
    agents = AgentStatisticsSerializer()
    delivery = DeliverySerializer(many=True)


class AgentOutcomesOutputSerializer(serializers.Serializer):
    start_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField()
    teams = AgentOutcomeTeamSerializer(many=True)
