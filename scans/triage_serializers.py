"""Input and output of the triage API (findings, triage rules) and the prompt allow-list."""

from rest_framework import serializers

from scans.models import (
    AllowMatchType,
    Finding,
    FindingStatus,
    PromptAllowEntry,
    TriageResolution,
    TriageRule,
)

# A person's verdicts on one finding; `open` takes a verdict back.
TRIAGE_VERDICTS = [
    (FindingStatus.FALSE_POSITIVE.value, "False positive"),
    (FindingStatus.ACCEPTED_RISK.value, "Accepted risk"),
    (FindingStatus.EXCEPTION.value, "Exception"),
    (FindingStatus.OPEN.value, "Open"),
]


class DryRunSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False)


class FindingOutputSerializer(serializers.ModelSerializer):
    project_id = serializers.UUIDField(read_only=True, allow_null=True)
    triage_rule_id = serializers.UUIDField(read_only=True, allow_null=True)
    first_seen_scan_id = serializers.UUIDField(read_only=True, allow_null=True)
    last_seen_scan_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "project_id",
            "scan_type",
            "rule_id",
            "finding_type",
            "severity",
            "file_path",
            "line_number",
            "description",
            "remediation",
            "redacted_preview",
            "fingerprint",
            "status",
            "triage_rule_id",
            "triage_reason",
            "triage_expires_at",
            "triaged_at",
            "fixed_at",
            "first_seen_scan_id",
            "last_seen_scan_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FindingTriageInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=TRIAGE_VERDICTS,
        help_text="The verdict; `open` takes a previous verdict back.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    expires_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Required for accepted_risk."
    )


class ChangedFindingSerializer(serializers.Serializer):
    finding_id = serializers.UUIDField()
    rule_id = serializers.CharField()
    finding_type = serializers.CharField()
    severity = serializers.CharField()
    file_path = serializers.CharField(allow_blank=True)
    project_id = serializers.UUIDField(allow_null=True)
    status_before = serializers.CharField()
    status_after = serializers.CharField()


class ChangedScanSerializer(serializers.Serializer):
    scan_id = serializers.UUIDField()
    project_id = serializers.UUIDField(allow_null=True)
    findings_changed = serializers.IntegerField()
    ai_risk_score_before = serializers.IntegerField(allow_null=True)
    ai_risk_score_after = serializers.IntegerField(allow_null=True)


class TriageEffectSerializer(serializers.Serializer):
    """What a triage write changed, or (dry run / preview) would change; `findings` lists the first 50."""

    dry_run = serializers.BooleanField()
    findings_changed = serializers.IntegerField()
    findings = ChangedFindingSerializer(many=True)
    scans_changed = serializers.IntegerField()
    scans = ChangedScanSerializer(many=True)


class FindingTriageOutputSerializer(serializers.Serializer):
    finding = FindingOutputSerializer()
    effect = TriageEffectSerializer()


class TriageRuleOutputSerializer(serializers.ModelSerializer):
    project_id = serializers.UUIDField(read_only=True, allow_null=True)
    created_by_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = TriageRule
        fields = [
            "id",
            "name",
            "resolution",
            "reason",
            "rule_id",
            "file_pattern",
            "project_id",
            "expires_at",
            "created_by_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TriageRuleWriteOutputSerializer(serializers.Serializer):
    triage_rule = TriageRuleOutputSerializer()
    effect = TriageEffectSerializer()


class TriageRuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    resolution = serializers.ChoiceField(choices=TriageResolution.choices, default=TriageResolution.EXCEPTION)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    rule_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        default="",
        help_text="An engine rule, e.g. bandit-B301.",
    )
    file_pattern = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        default="",
        help_text="A glob on the finding's path (`tests/*`, `*.min.js`); `*` also crosses `/`.",
    )
    project_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="Null: the whole organization."
    )
    expires_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Required for accepted_risk."
    )


class TriageRuleUpdateSerializer(TriageRuleInputSerializer):
    """PUT and PATCH: fields not sent are kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send at least one field to change.")
        return attrs


class PromptAllowEntryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PromptAllowEntry
        fields = ["id", "value", "match_type", "description", "is_active", "created_at", "updated_at"]
        read_only_fields = fields


class PromptAllowEntryInputSerializer(serializers.Serializer):
    value = serializers.CharField(
        max_length=500, help_text="A phrase, or with match_type=wildcard a `*` pattern."
    )
    match_type = serializers.ChoiceField(choices=AllowMatchType.choices, default=AllowMatchType.PHRASE)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class PromptAllowEntryUpdateSerializer(PromptAllowEntryInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send at least one field to change.")
        return attrs
