"""Payloads this app publishes through realtime."""

from rest_framework import serializers

from scans.models import RiskLevel, ScanStatus, ScanType


class ScanCompletedPayload(serializers.Serializer):
    """A scan finished (completed or failed)."""

    scan_id = serializers.UUIDField()
    scan_type = serializers.ChoiceField(choices=ScanType.choices)
    status = serializers.ChoiceField(choices=[ScanStatus.COMPLETED, ScanStatus.FAILED])
    project_id = serializers.UUIDField(allow_null=True, required=False)
    ai_risk_score = serializers.IntegerField(min_value=0, max_value=100, allow_null=True, required=False)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, allow_null=True, required=False)
    findings_count = serializers.IntegerField(min_value=0, required=False)
    completed_at = serializers.DateTimeField(required=False, allow_null=True)


class SecretExposedPayload(serializers.Serializer):
    """A hard-coded secret was found (a new finding, not a rescan of a known one).

    Carries everything a responder needs without the secret itself: the incidents side opens an
    incident with a "rotate credential" playbook from it (apps on one layer never import each other).
    """

    finding_id = serializers.UUIDField()
    scan_id = serializers.UUIDField()
    project_id = serializers.UUIDField(allow_null=True, required=False)
    project_name = serializers.CharField(allow_blank=True, required=False)
    rule_id = serializers.CharField(max_length=100)
    finding_type = serializers.CharField(max_length=100)
    severity = serializers.ChoiceField(choices=["low", "medium", "high", "critical"])
    file_path = serializers.CharField(allow_blank=True, required=False)
    line_number = serializers.IntegerField(allow_null=True, required=False)
    redacted_preview = serializers.CharField(allow_blank=True, required=False)
    fingerprint = serializers.CharField(max_length=64)
