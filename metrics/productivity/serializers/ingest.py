"""Input items of the ingestion endpoints and the ingestion summary."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from rest_framework import serializers

CLIENT_ID_HELP = "Your id for the item: sending an item with an id the organization already has is a no-op."


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
FUTURE_SKEW = timedelta(days=1)


def measured_when(value: datetime) -> None:
    """A measurement's time: after 1970 and not more than a day ahead of the server clock."""
    if value < EARLIEST or value > timezone.now() + FUTURE_SKEW:
        raise serializers.ValidationError("Must be after 1970 and at most a day in the future.")


class ProductivityMetricInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100, required=False, help_text=CLIENT_ID_HELP)
    timestamp = serializers.DateTimeField(validators=[measured_when])
    user = serializers.CharField(
        max_length=254, required=False, allow_null=True, help_text="A member's user id or email address."
    )
    team = serializers.UUIDField(
        required=False, allow_null=True, help_text="Default: the user's team when they are in exactly one."
    )
    metric_type = serializers.RegexField(r"^[A-Za-z0-9_.:-]{1,100}$", max_length=100)
    value = serializers.FloatField()
    metadata = serializers.DictField(required=False, default=dict)


class AgentExecutionInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100, required=False, help_text=CLIENT_ID_HELP)
    agent_name = serializers.CharField(max_length=120)
    user = serializers.CharField(max_length=254, required=False, allow_null=True)
    team = serializers.UUIDField(required=False, allow_null=True)
    session_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    command = serializers.CharField(max_length=500, required=False, allow_blank=True)
    execution_time_ms = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    success = serializers.BooleanField()
    error_details = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=10_000
    )
    tokens_used = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2_147_483_647
    )
    cost_usd = serializers.DecimalField(
        required=False, allow_null=True, max_digits=12, decimal_places=6, min_value=0
    )
    timestamp = serializers.DateTimeField(validators=[measured_when])
    metadata = serializers.DictField(required=False, default=dict)


class McpCollectInputSerializer(AgentExecutionInputSerializer):
    """Seed C's MCP body: `user_identifier` as the MCP server knows the person (kept as sent)."""

    user = None  # type: ignore[assignment]
    session_id = serializers.CharField(max_length=200)
    user_identifier = serializers.CharField(max_length=254)


class IngestErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the item in the batch, from 0.")
    id = serializers.CharField(allow_null=True)
    reasons = serializers.DictField(child=serializers.JSONField())


class IngestSummaryOutputSerializer(serializers.Serializer):
    batch_id = serializers.UUIDField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text="Items whose id was already stored: not stored again.")
    # The seed's key; the metaclass takes declared fields off the class, so `.errors` is intact.
    errors = IngestErrorSerializer(many=True)  # type: ignore[assignment]


def summary(result) -> dict:
    return IngestSummaryOutputSerializer(
        {
            "batch_id": result.batch.pk,
            "accepted": result.accepted,
            "rejected": result.rejected,
            "duplicates": result.duplicates,
            "errors": result.errors,
        }
    ).data
