from rest_framework import serializers

from incidents.ingest.models import IngestBatch, Sensor, SourceType
from incidents.ingest.parsers import SOURCE_ALIASES


class SensorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=[c for c in SourceType.choices if c[0] != SourceType.TEXT])
    description = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")


class SensorUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=400, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class SensorOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sensor
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "is_active",
            "last_seen_at",
            "events_received",
            "auth_failures",
            "created_at",
        ]


class SensorWithSecretOutputSerializer(SensorOutputSerializer):
    secret = serializers.CharField(help_text="Shown once: sign requests with it (see the README).")

    class Meta(SensorOutputSerializer.Meta):
        fields = [*SensorOutputSerializer.Meta.fields, "secret"]


class CowrieBatchInputSerializer(serializers.Serializer):
    """Documentation of the body: one Cowrie event object, a list of them, or {"events": [...]}."""

    events = serializers.ListField(child=serializers.DictField(), required=False)


class MultiBatchInputSerializer(serializers.Serializer):
    source_type = serializers.ChoiceField(
        choices=sorted(set(SOURCE_ALIASES)),
        required=False,
        help_text="Source type of items that do not name their own.",
    )
    events = serializers.ListField(
        child=serializers.JSONField(),
        allow_empty=False,
        help_text=(
            'Each item: a text line, a JSON object, or {"source_type": ..., "line": "..."} / '
            '{"source_type": ..., "event": {...}}.'
        ),
    )


class SyntheticInputSerializer(serializers.Serializer):
    scenario = serializers.ChoiceField(
        choices=["ssh_brute_force", "web_attack", "port_scan", "honeypot_session", "benign"],
        default="ssh_brute_force",
    )
    count = serializers.IntegerField(min_value=1, max_value=500, default=20)
    source_ip = serializers.IPAddressField(required=False)


class ItemErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    error = serializers.CharField()


class IngestResultOutputSerializer(serializers.Serializer):
    batch_id = serializers.UUIDField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    unparseable = serializers.IntegerField()
    errors = ItemErrorSerializer(many=True)  # type: ignore[assignment]
    detection = serializers.CharField(help_text="queued: detection runs as a Celery task for the batch.")
    synthetic = serializers.BooleanField()


class IngestBatchOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = IngestBatch
        fields = [
            "id",
            "endpoint",
            "sensor",
            "accepted",
            "rejected",
            "unparseable",
            "synthetic",
            "status",
            "threats_created",
            "error",
            "created_at",
            "processed_at",
        ]
