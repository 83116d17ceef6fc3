from rest_framework import serializers

from realtime.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

EVENTS_HELP = "Event type names (GET /api/v1/webhooks/events lists them)."


class WebhookSubscriptionInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2048, help_text="http(s) URL of a public host.")
    events = serializers.ListField(
        child=serializers.CharField(max_length=80), min_length=1, help_text=EVENTS_HELP
    )
    secret = serializers.CharField(
        max_length=200, required=False, help_text="Signing secret (16+ characters); generated when omitted."
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WebhookSubscriptionUpdateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2048, required=False)
    events = serializers.ListField(
        child=serializers.CharField(max_length=80), min_length=1, required=False, help_text=EVENTS_HELP
    )
    secret = serializers.CharField(max_length=200, required=False, help_text="A new signing secret.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False, help_text="true re-enables a disabled subscription.")


class WebhookSubscriptionOutputSerializer(serializers.ModelSerializer):
    secret_hint = serializers.CharField(read_only=True, help_text="Last characters of the secret.")
    events = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "description",
            "events",
            "source",
            "is_active",
            "secret_hint",
            "failing_since",
            "consecutive_failures",
            "last_success_at",
            "last_failure_at",
            "last_error",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]


class WebhookSubscriptionCreatedOutputSerializer(WebhookSubscriptionOutputSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: keep it to verify signatures.")

    class Meta(WebhookSubscriptionOutputSerializer.Meta):
        fields = [*WebhookSubscriptionOutputSerializer.Meta.fields, "secret"]


class WebhookAttemptOutputSerializer(serializers.ModelSerializer):
    attempted_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "outcome",
            "response_status",
            "duration_ms",
            "error",
            "response_excerpt",
            "attempted_at",
        ]


class WebhookDeliveryOutputSerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(read_only=True)
    event_type = serializers.CharField(source="event.event_type", read_only=True)
    subscription_id = serializers.UUIDField(read_only=True)
    attempts = WebhookAttemptOutputSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription_id",
            "event_id",
            "event_type",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_response_status",
            "last_error",
            "created_at",
            "completed_at",
            "attempts",
        ]


class WebhookTestInputSerializer(serializers.Serializer):
    subscription_id = serializers.UUIDField()


class PayloadFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()

    def get_fields(self):
        # `required` is also an attribute of every Field, so it is added here rather than declared.
        fields = super().get_fields()
        fields["required"] = serializers.BooleanField()
        return fields


class WebhookEventTypeOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    websocket = serializers.BooleanField(help_text="Also sent to WebSocket clients.")
    payload_fields = PayloadFieldSerializer(
        many=True, help_text="Declared fields of `data`; others may appear."
    )


class McpHookRegisterInputSerializer(serializers.Serializer):
    hook_url = serializers.URLField(max_length=2048)
    events = serializers.ListField(
        child=serializers.CharField(max_length=80), min_length=1, help_text=EVENTS_HELP
    )
    organization_id = serializers.UUIDField(
        required=False, help_text="Optional; must be the active organization (the credentials decide it)."
    )
    secret = serializers.CharField(max_length=200, required=False)


class McpHookRegisterOutputSerializer(serializers.ModelSerializer):
    hook_url = serializers.URLField(source="url", read_only=True)
    events = serializers.ListField(child=serializers.CharField())
    organization_id = serializers.UUIDField(read_only=True)
    secret = serializers.CharField(read_only=True, help_text="Shown once.")

    class Meta:
        model = WebhookSubscription
        fields = ["id", "hook_url", "events", "organization_id", "is_active", "secret", "created_at"]
