from rest_framework import serializers

from incidents.onboarding.models import EnrolledAgent


class TokenInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")  # type: ignore[assignment]
    ttl_seconds = serializers.IntegerField(min_value=60, max_value=7 * 86400, required=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once: the agent trades it for its identity.")
    token_id = serializers.UUIDField()
    expires_at = serializers.DateTimeField()
    enroll_url = serializers.CharField()
    command = serializers.CharField(help_text="How to run the reference agent with this token.")


class EnrollInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)
    hostname = serializers.CharField(max_length=255)
    os = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    version = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    capabilities = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=50
    )


class EnrollOutputSerializer(serializers.Serializer):
    agent_id = serializers.UUIDField()
    device_id = serializers.UUIDField(help_text="X-Device-ID of every signed request.")
    secret = serializers.CharField(help_text="The HMAC secret; shown once.")
    organization_id = serializers.UUIDField()
    hmac = serializers.CharField()


class HeartbeatInputSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    dry_run = serializers.BooleanField(required=False)
    capabilities = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50
    )


class HeartbeatOutputSerializer(serializers.Serializer):
    agent_id = serializers.UUIDField()
    server_time = serializers.DateTimeField()
    commands_pending = serializers.IntegerField()


class EnrolledAgentOutputSerializer(serializers.ModelSerializer):
    enrollment_id = serializers.UUIDField(source="id", read_only=True)
    device_id = serializers.UUIDField(source="sensor_id", read_only=True)
    online = serializers.BooleanField()

    class Meta:
        model = EnrolledAgent
        fields = [
            "enrollment_id",
            "device_id",
            "hostname",
            "os",
            "version",
            "capabilities",
            "status",
            "dry_run",
            "online",
            "last_heartbeat_at",
            "heartbeat_count",
            "verified_at",
            "created_at",
        ]


class VerificationOutputSerializer(serializers.Serializer):
    enrollment_id = serializers.UUIDField()
    hostname = serializers.CharField()
    verified = serializers.BooleanField()
    last_heartbeat_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class VerifyAllOutputSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    verified = serializers.IntegerField()
    agents = VerificationOutputSerializer(many=True)
