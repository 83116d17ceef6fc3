from rest_framework import serializers

from incidents.threats.models import CostModel, Threat


class DetectInputSerializer(serializers.Serializer):
    log_entry = serializers.JSONField(help_text="One log line (text) or one JSON event.")
    timestamp = serializers.DateTimeField(required=False)
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="A source type (sshd, web, cowrie, json) or the name of the system that logged it.",
    )
    metadata = serializers.DictField(required=False, default=dict)

    def validate_log_entry(self, value):
        if isinstance(value, str):
            if not value.strip():
                raise serializers.ValidationError("May not be blank.")
            if len(value) > 65_536:
                raise serializers.ValidationError("At most 65536 characters.")
            return value
        if isinstance(value, dict) and value:
            return value
        raise serializers.ValidationError("A log line (string) or a JSON object.")


class DetectOutputSerializer(serializers.Serializer):
    threat_id = serializers.CharField(allow_null=True)
    threat_detected = serializers.BooleanField()
    confidence = serializers.FloatField()
    threat_type = serializers.CharField(allow_null=True)
    severity = serializers.CharField(allow_null=True)
    impact_usd = serializers.FloatField()
    mitre_attack = serializers.ListField(child=serializers.CharField())
    recommended_actions = serializers.ListField(child=serializers.CharField())
    processing_time_ms = serializers.FloatField()
    source_type = serializers.CharField()
    matched_rules = serializers.ListField(child=serializers.CharField())
    incident_id = serializers.CharField(allow_null=True)


class ThreatOutputSerializer(serializers.ModelSerializer):
    threat_id = serializers.CharField(source="human_id")
    type = serializers.CharField(source="threat_type")
    impact_usd = serializers.FloatField()
    incident_id = serializers.SerializerMethodField()

    class Meta:
        model = Threat
        fields = [
            "id",
            "threat_id",
            "type",
            "title",
            "severity",
            "confidence",
            "status",
            "impact_usd",
            "source_ip",
            "mitre_attack",
            "incident_id",
            "event_count",
            "synthetic",
            "detected_at",
            "mitigated_at",
        ]

    mitre_attack = serializers.ListField(source="mitre_techniques", child=serializers.CharField())

    def get_incident_id(self, threat) -> str | None:
        return threat.incident.human_id if threat.incident_id else None


class IocsSerializer(serializers.Serializer):
    ips = serializers.ListField(child=serializers.CharField())
    domains = serializers.ListField(child=serializers.CharField())
    hashes = serializers.ListField(child=serializers.CharField())
    urls = serializers.ListField(child=serializers.CharField(), required=False)


class TimelineEntrySerializer(serializers.Serializer):
    timestamp = serializers.CharField()
    event = serializers.CharField()
    agent = serializers.CharField(required=False)
    message = serializers.CharField(required=False)


class ThreatDetailOutputSerializer(ThreatOutputSerializer):
    iocs = IocsSerializer()
    timeline = serializers.SerializerMethodField()
    rule_id = serializers.UUIDField(allow_null=True)

    class Meta(ThreatOutputSerializer.Meta):
        fields = [
            *ThreatOutputSerializer.Meta.fields,
            "target",
            "iocs",
            "recommended_actions",
            "raw_log",
            "timeline",
            "rule_id",
            "detector",
            "first_seen_at",
            "last_seen_at",
        ]

    def get_timeline(self, threat) -> list[dict]:
        """Lifecycle entries and the supporting log events, in time order."""
        entries = list(threat.timeline)
        for event in threat.events.all().order_by("timestamp")[:50]:
            entries.append(
                {
                    "timestamp": event.timestamp.isoformat(),
                    "event": "log_event",
                    "source_type": event.source_type,
                    "message": event.message[:500],
                }
            )
        return sorted(entries, key=lambda e: e["timestamp"])


class VerdictInputSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["confirmed", "false_positive"])


class CostModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = CostModel
        fields = ["severity_costs", "type_multipliers"]

    def validate_severity_costs(self, value):
        if not isinstance(value, dict) or not set(value) <= {"low", "medium", "high", "critical"}:
            raise serializers.ValidationError("Keys are low, medium, high and critical.")
        if not all(isinstance(v, int | float) and v >= 0 for v in value.values()):
            raise serializers.ValidationError("Costs are non-negative numbers (USD).")
        return value

    def validate_type_multipliers(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("An object of threat_type -> multiplier.")
        if not all(isinstance(v, int | float) and 0 <= v <= 100 for v in value.values()):
            raise serializers.ValidationError("Multipliers are numbers between 0 and 100.")
        return value
