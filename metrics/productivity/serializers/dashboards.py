"""Dashboards: input (name, scope, layout of widgets, filters, default flag) and output."""

from rest_framework import serializers

from metrics.productivity.models import DashboardScope
from metrics.productivity.selectors.dashboards import WIDGET_SOURCES, WIDGET_TYPES
from metrics.productivity.selectors.metrics import AGGREGATION_CHOICES

MAX_WIDGETS = 50


class WidgetQuerySerializer(serializers.Serializer):
    # Declared fields leave the class, so Field.source is intact.
    source = serializers.ChoiceField(choices=WIDGET_SOURCES, default="productivity")  # type: ignore[assignment]
    metric_type = serializers.CharField(max_length=100, required=False)
    agent_name = serializers.CharField(max_length=120, required=False)
    team_id = serializers.UUIDField(required=False)
    user_id = serializers.UUIDField(required=False)
    aggregation = serializers.ChoiceField(choices=AGGREGATION_CHOICES, default="day")
    range_days = serializers.IntegerField(min_value=1, max_value=366, default=30)


class WidgetPositionSerializer(serializers.Serializer):
    x = serializers.IntegerField(min_value=0, max_value=1000)
    y = serializers.IntegerField(min_value=0, max_value=1000)
    w = serializers.IntegerField(min_value=1, max_value=100, default=4)
    h = serializers.IntegerField(min_value=1, max_value=100, default=3)


class WidgetSerializer(serializers.Serializer):
    id = serializers.RegexField(r"^[A-Za-z0-9_-]{1,100}$", help_text="Unique within the dashboard.")
    type = serializers.ChoiceField(choices=WIDGET_TYPES)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    query = WidgetQuerySerializer()
    position = WidgetPositionSerializer()


class DashboardFiltersSerializer(serializers.Serializer):
    team_id = serializers.UUIDField(required=False)
    user_id = serializers.UUIDField(required=False)
    metric_type = serializers.CharField(max_length=100, required=False)
    range_days = serializers.IntegerField(min_value=1, max_value=366, required=False)


class DashboardInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    scope = serializers.ChoiceField(choices=DashboardScope.choices, default=DashboardScope.USER)
    team_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="Required for team dashboards."
    )
    layout = WidgetSerializer(many=True, required=False, default=list, max_length=MAX_WIDGETS)  # type: ignore[call-arg]
    filters = DashboardFiltersSerializer(required=False, default=dict)
    is_default = serializers.BooleanField(required=False, default=False)

    def validate_layout(self, widgets):
        ids = [w["id"] for w in widgets]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Widget ids must be unique within a dashboard.")
        return [
            {**w, "query": {k: str(v) if k.endswith("_id") else v for k, v in w["query"].items()}}
            for w in widgets
        ]

    def validate_filters(self, filters):
        return {k: str(v) if k.endswith("_id") else v for k, v in filters.items()}


class DashboardOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    scope = serializers.ChoiceField(choices=DashboardScope.choices)
    team_id = serializers.UUIDField(allow_null=True)
    owner_id = serializers.UUIDField()
    layout = WidgetSerializer(many=True)
    filters = DashboardFiltersSerializer()
    is_default = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DashboardListQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=DashboardScope.choices, required=False)
    default_only = serializers.BooleanField(required=False, default=False)
