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
