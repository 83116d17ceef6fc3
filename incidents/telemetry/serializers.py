from rest_framework import serializers

from incidents.threats.models import Sensitivity, Severity


class CountedValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class DownloadSerializer(serializers.Serializer):
    url = serializers.CharField()
    sha256 = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()


class SessionsBucketSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    sessions = serializers.IntegerField()
    sources = serializers.IntegerField()


class HoneypotTotalsSerializer(serializers.Serializer):
    events = serializers.IntegerField()
    sources = serializers.IntegerField()
    sessions = serializers.IntegerField()
    successful_logins = serializers.IntegerField()
    failed_logins = serializers.IntegerField()


class AttackerStatsQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365, default=7)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)


class AttackerStatsOutputSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    totals = HoneypotTotalsSerializer()
    top_source_ips = CountedValueSerializer(many=True)
    top_usernames = CountedValueSerializer(many=True)
    top_passwords = CountedValueSerializer(many=True)
    top_commands = CountedValueSerializer(many=True)
    downloads = DownloadSerializer(many=True)
    sessions_over_time = SessionsBucketSerializer(many=True)


class LogSourceSerializer(serializers.Serializer):
    sensor_id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    source_type = serializers.CharField()
    events = serializers.IntegerField()
    last_seen_at = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField()


class TelemetryStatusSerializer(serializers.Serializer):
    assets = serializers.DictField(child=serializers.IntegerField())
    agents = serializers.DictField(child=serializers.IntegerField())
    incidents = serializers.DictField(child=serializers.IntegerField())
    events = serializers.DictField()
    threats_open = serializers.IntegerField()


class AutoContainSerializer(serializers.Serializer):
    auto_contain = serializers.BooleanField()
    min_severity = serializers.ChoiceField(
        choices=Severity.choices, source="auto_contain_min_severity", required=False
    )


class AdaptiveStatusSerializer(serializers.Serializer):
    sensitivity = serializers.CharField()
    confidence_floor = serializers.FloatField()
    escalation_thresholds = serializers.ListField(child=serializers.IntegerField())
    profiles = serializers.DictField(child=serializers.DictField())
    last_learned_at = serializers.DateTimeField(allow_null=True)
    learning_runs = serializers.IntegerField()
    baseline = serializers.DictField()


class LearningQueuedSerializer(serializers.Serializer):
    queued = serializers.BooleanField()
    last_learned_at = serializers.DateTimeField(allow_null=True)
    learning_runs = serializers.IntegerField()


class SensitivityInputSerializer(serializers.Serializer):
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)


class ClearDatabaseInputSerializer(serializers.Serializer):
    confirm = serializers.CharField(max_length=100, help_text="The organization's slug, typed to confirm.")


class ClearDatabaseOutputSerializer(serializers.Serializer):
    deleted = serializers.DictField(child=serializers.IntegerField())


class IntelIndicatorSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    value = serializers.CharField()
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    confidence = serializers.IntegerField()
    hits = serializers.IntegerField()
    threats = serializers.IntegerField()
    last_threat_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


class IntelSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    with_hits = serializers.IntegerField()
    expired = serializers.IntegerField()
    by_type = serializers.DictField(child=serializers.IntegerField())


class IntelThreatsOutputSerializer(serializers.Serializer):
    summary = IntelSummarySerializer()
    indicators = IntelIndicatorSerializer(many=True)


class DistributedThreatSerializer(serializers.Serializer):
    type = serializers.CharField()
    value = serializers.CharField()
    organizations = serializers.IntegerField(help_text="Distinct organizations that saw it (at least 3).")
    last_seen_at = serializers.DateTimeField(allow_null=True)
    seen_by_you = serializers.BooleanField()


class DistributedThreatsOutputSerializer(serializers.Serializer):
    min_organizations = serializers.IntegerField()
    indicators = DistributedThreatSerializer(many=True)
