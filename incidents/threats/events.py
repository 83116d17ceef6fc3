"""Payload schemas of the realtime events the incidents app publishes.

`threat_detected` keeps seed D's shape (threat_id, severity, confidence, timestamp) and adds optional
fields; only threat_id is required, so a payload in the seed's own shape stays valid.
"""

from rest_framework import serializers

SEVERITIES = ["low", "medium", "high", "critical"]


class ThreatDetectedPayload(serializers.Serializer):
    threat_id = serializers.CharField(max_length=64)
    id = serializers.UUIDField(required=False)
    type = serializers.CharField(max_length=64, required=False)
    severity = serializers.ChoiceField(choices=SEVERITIES, required=False)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False)
    source_ip = serializers.IPAddressField(allow_null=True, required=False)
    mitre_attack = serializers.ListField(child=serializers.CharField(), required=False)
    incident_id = serializers.CharField(allow_null=True, required=False)
    synthetic = serializers.BooleanField(required=False)
    timestamp = serializers.DateTimeField(required=False)


class IncidentPayload(serializers.Serializer):
    incident_id = serializers.CharField(max_length=64)
    id = serializers.UUIDField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    risk_score = serializers.IntegerField(min_value=0, max_value=100)
    threat_count = serializers.IntegerField(min_value=0)
    source_ip = serializers.IPAddressField(allow_null=True)
    threat_id = serializers.CharField(max_length=64, required=False, help_text="The threat that joined.")
    status = serializers.CharField(max_length=20, required=False)
    change = serializers.CharField(
        max_length=20,
        required=False,
        help_text="status, assignment or merge (changes made in the workspace).",
    )
    assignee = serializers.EmailField(allow_null=True, required=False)
