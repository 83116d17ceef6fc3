"""The event types the seeds name, with their documented payloads.

Registered as provisional: the domain app that publishes one (incidents, metrics) may register the
same name with its own schema in its AppConfig.ready() and replaces this one. Declared fields are
checked; other keys pass through unchanged.
"""

from rest_framework import serializers

from realtime.registry import register_event_type

SEVERITIES = ["low", "medium", "high", "critical"]


class ThreatPayload(serializers.Serializer):
    """A threat of the detection copilot changed state (seed D)."""

    threat_id = serializers.CharField(max_length=64)
    severity = serializers.ChoiceField(choices=SEVERITIES, required=False)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False)
    timestamp = serializers.DateTimeField(required=False)


class PlaybookPayload(serializers.Serializer):
    """A response playbook changed state (seed D)."""

    playbook_id = serializers.CharField(max_length=64)
    threat_id = serializers.CharField(max_length=64, required=False)
    status = serializers.CharField(max_length=32, required=False)
    timestamp = serializers.DateTimeField(required=False)


class DashboardUpdatePayload(serializers.Serializer):
    """Live data for one widget of a dashboard (seed C)."""

    dashboard_id = serializers.UUIDField()
    widget_id = serializers.CharField(max_length=100, required=False)
    # The seed's key; the serializer metaclass takes declared fields off the class, so `.data` is intact.
    data = serializers.JSONField(required=False)  # type: ignore[assignment]
    timestamp = serializers.DateTimeField(required=False)


class MetricIngestedPayload(serializers.Serializer):
    """New productivity metrics were ingested (seed C)."""

    metric_type = serializers.CharField(max_length=100)
    user_id = serializers.UUIDField(required=False, allow_null=True)
    team_id = serializers.UUIDField(required=False, allow_null=True)
    count = serializers.IntegerField(min_value=0)
    timestamp = serializers.DateTimeField(required=False)


class AlertTriggeredPayload(serializers.Serializer):
    """An alert rule fired on a productivity anomaly (seed C)."""

    alert_id = serializers.UUIDField()
    rule_name = serializers.CharField(max_length=200)
    severity = serializers.ChoiceField(choices=SEVERITIES)
    metric_value = serializers.FloatField(required=False)
    threshold = serializers.FloatField(required=False)
    affected_users = serializers.ListField(child=serializers.UUIDField(), required=False)
    timestamp = serializers.DateTimeField(required=False)


class MetricsCollectedPayload(serializers.Serializer):
    """A batch from an MCP server was collected (seed C webhook)."""

    batch_id = serializers.CharField(max_length=100)
    metric_count = serializers.IntegerField(min_value=0)


class AlertSummary(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(max_length=200)
    severity = serializers.ChoiceField(choices=SEVERITIES)
    metric_value = serializers.FloatField(required=False)
    threshold = serializers.FloatField(required=False)


class AlertHookPayload(serializers.Serializer):
    """An alert fired (seed C webhook)."""

    alert = AlertSummary()


class WebhookTestPayload(serializers.Serializer):
    """A test delivery asked for through POST /api/v1/webhooks/test."""

    message = serializers.CharField()
    subscription_id = serializers.UUIDField()


SEED_EVENT_TYPES = {
    "threat_detected": (ThreatPayload, "New threat identified."),
    "threat_analyzed": (ThreatPayload, "Analysis of a threat is complete."),
    "playbook_generated": (PlaybookPayload, "A playbook is ready for approval."),
    "approval_required": (PlaybookPayload, "A playbook waits for human approval."),
    "playbook_executing": (PlaybookPayload, "A playbook's remediation is executing."),
    "threat_mitigated": (ThreatPayload, "A threat was neutralised."),
    "dashboard_update": (DashboardUpdatePayload, "Live dashboard data update."),
    "metric_ingested": (MetricIngestedPayload, "New metrics data was ingested."),
    "alert_triggered": (AlertTriggeredPayload, "Real-time alert for a productivity anomaly."),
    "metrics.collected": (MetricsCollectedPayload, "An MCP metrics batch was collected."),
    "alert.triggered": (AlertHookPayload, "An alert was triggered."),
}


def register_seed_event_types() -> None:
    for name, (schema, description) in SEED_EVENT_TYPES.items():
        register_event_type(name, schema=schema, description=description, provisional=True)
    # Sent only by POST /webhooks/test, straight to one subscription: no socket, not subscribable.
    register_event_type(
        "webhook.test",
        schema=WebhookTestPayload,
        webhook=False,
        websocket=False,
        description="Test delivery.",
    )
