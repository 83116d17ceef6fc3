from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scans.models import Alert, Project, RepoType, Scan, ScanType

LANGUAGES = ["python", "javascript", "typescript", "go", "java", "php", "ruby", "other"]
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")


class ProjectInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    repo_type = serializers.ChoiceField(choices=RepoType.choices, required=False)
    repo_url = serializers.CharField(required=False, allow_blank=True, max_length=500)
    access_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        write_only=True,
        help_text="Stored encrypted, never returned.",
    )
    github_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        write_only=True,
        help_text="Seed E's name of access_token.",
    )
    is_public = serializers.BooleanField(required=False)

    def validate_repo_url(self, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("https://", "http://", "file://")):
            raise serializers.ValidationError("A repository URL starts with https://.")
        return value

    def validate(self, attrs):
        if "github_token" in attrs and "access_token" not in attrs:
            attrs["access_token"] = attrs["github_token"]
        attrs.pop("github_token", None)
        return attrs


class ProjectUpdateSerializer(ProjectInputSerializer):
    name = serializers.CharField(max_length=200, required=False)


class ProjectOutputSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)
    has_access_token = serializers.BooleanField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "organization_id",
            "repo_type",
            "repo_url",
            "is_public",
            "has_access_token",
            "scan_count",
            "last_scan",
            "last_risk_score",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ScanCodeInputSerializer(serializers.Serializer):
    project_id = serializers.UUIDField(required=False, allow_null=True)
    code = serializers.CharField(required=False, trim_whitespace=False, allow_blank=False)
    filename = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    language = serializers.ChoiceField(choices=LANGUAGES, required=False, allow_blank=True, default="")
    archive = serializers.FileField(
        required=False, help_text="A zip or tar.gz of the sources (multipart upload)."
    )
    use_repository = serializers.BooleanField(
        required=False, default=False, help_text="Clone the project's repository (shallow) and scan it."
    )

    def validate_code(self, value: str) -> str:
        if len(value) > settings.SCANS_CODE_MAX_CHARS:
            raise serializers.ValidationError(f"At most {settings.SCANS_CODE_MAX_CHARS} characters.")
        if "\x00" in value:
            raise serializers.ValidationError("Text only: no NUL characters.")
        return value

    def validate_archive(self, value):
        if value.size > settings.SCANS_ARCHIVE_MAX_BYTES:
            raise serializers.ValidationError(
                f"The archive is larger than {settings.SCANS_ARCHIVE_MAX_BYTES} bytes."
            )
        if not (value.name or "").lower().endswith(ARCHIVE_SUFFIXES):
            raise serializers.ValidationError("Upload a .zip, .tar.gz, .tgz or .tar archive.")
        return value

    def validate(self, attrs):
        given = [name for name in ("code", "archive") if attrs.get(name) is not None]
        if attrs.get("use_repository"):
            given.append("use_repository")
        if len(given) != 1:
            raise serializers.ValidationError(
                "Send exactly one of `code`, `archive` or `use_repository: true`."
            )
        if attrs.get("use_repository") and not attrs.get("project_id"):
            raise serializers.ValidationError({"project_id": ["A repository scan needs the project."]})
        return attrs


class ScanPromptInputSerializer(serializers.Serializer):
    project_id = serializers.UUIDField(required=False, allow_null=True)
    prompt = serializers.CharField(trim_whitespace=False)
    model = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    allow_list = serializers.ListField(
        child=serializers.CharField(max_length=500),
        required=False,
        max_length=100,
        help_text="Phrases of the organization's own prompts that are never scored (e.g. a trusted template).",
    )

    def validate_prompt(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("May not be blank.")
        if len(value) > settings.SCANS_PROMPT_MAX_CHARS:
            raise serializers.ValidationError(f"At most {settings.SCANS_PROMPT_MAX_CHARS} characters.")
        return value


class ScanPiiInputSerializer(serializers.Serializer):
    project_id = serializers.UUIDField(required=False, allow_null=True)
    content = serializers.CharField(trim_whitespace=False)
    content_type = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    redact = serializers.BooleanField(required=False, default=False, help_text="Also return a redacted copy.")

    def validate_content(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("May not be blank.")
        if len(value) > settings.SCANS_PII_MAX_CHARS:
            raise serializers.ValidationError(f"At most {settings.SCANS_PII_MAX_CHARS} characters.")
        return value


class CodeFindingSerializer(serializers.Serializer):
    finding_id = serializers.UUIDField()
    finding_type = serializers.CharField()
    rule_id = serializers.CharField()
    severity = serializers.CharField()
    file_path = serializers.CharField(allow_blank=True)
    line_number = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    remediation = serializers.CharField(allow_blank=True)
    redacted_value = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    fingerprint = serializers.CharField()


class PiiOccurrenceSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    value_hash = serializers.CharField()
    preview = serializers.CharField()
    score = serializers.FloatField()


class PiiFindingSerializer(serializers.Serializer):
    pii_type = serializers.CharField()
    count = serializers.IntegerField()
    classification = serializers.CharField()
    gdpr_risk = serializers.CharField()
    ai_act_risk = serializers.CharField()
    occurrences = PiiOccurrenceSerializer(many=True)


class PromptSignalSerializer(serializers.Serializer):
    category = serializers.CharField()
    signal = serializers.CharField()
    weight = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]
    excerpt = serializers.CharField(allow_blank=True)


class FindingsSummarySerializer(serializers.Serializer):
    critical = serializers.IntegerField()
    high = serializers.IntegerField()
    medium = serializers.IntegerField()
    low = serializers.IntegerField()


class ScanOutputSerializer(serializers.ModelSerializer):
    """One scan. Type-specific fields are null (or empty) for the other types and until it completes."""

    project_id = serializers.UUIDField(read_only=True, allow_null=True)
    findings_summary = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    jailbreak_risk = serializers.SerializerMethodField()
    injection_risk = serializers.SerializerMethodField()
    data_exfiltration_risk = serializers.SerializerMethodField()
    system_prompt_exposure = serializers.SerializerMethodField()
    signals = serializers.SerializerMethodField()
    suggested_prompt = serializers.SerializerMethodField()
    redacted_content = serializers.SerializerMethodField()
    details = serializers.SerializerMethodField()

    class Meta:
        model = Scan
        fields = [
            "id",
            "scan_type",
            "source",
            "status",
            "failure_reason",
            "project_id",
            "ai_risk_score",
            "risk_level",
            "findings_count",
            "findings_summary",
            "results",
            "findings",
            "jailbreak_risk",
            "injection_risk",
            "data_exfiltration_risk",
            "system_prompt_exposure",
            "signals",
            "suggested_prompt",
            "redacted_content",
            "details",
            "execution_time_seconds",
            "created_at",
            "started_at",
            "completed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(FindingsSummarySerializer(allow_null=True))
    def get_findings_summary(self, scan):
        return scan.findings_summary or None

    @extend_schema_field(CodeFindingSerializer(many=True))
    def get_results(self, scan):
        return scan.results if scan.scan_type == ScanType.CODE else []

    @extend_schema_field(PiiFindingSerializer(many=True))
    def get_findings(self, scan):
        return scan.results if scan.scan_type == ScanType.PII else []

    def _prompt_score(self, scan, name: str) -> int | None:
        return scan.details.get(name) if scan.scan_type == ScanType.PROMPT and scan.details else None

    def get_jailbreak_risk(self, scan) -> int | None:
        return self._prompt_score(scan, "jailbreak_risk")

    def get_injection_risk(self, scan) -> int | None:
        return self._prompt_score(scan, "injection_risk")

    def get_data_exfiltration_risk(self, scan) -> int | None:
        return self._prompt_score(scan, "data_exfiltration_risk")

    def get_system_prompt_exposure(self, scan) -> int | None:
        return self._prompt_score(scan, "system_prompt_exposure")

    @extend_schema_field(PromptSignalSerializer(many=True))
    def get_signals(self, scan):
        return (scan.details or {}).get("signals", []) if scan.scan_type == ScanType.PROMPT else []

    def get_suggested_prompt(self, scan) -> str | None:
        return (scan.details or {}).get("suggested_prompt") if scan.scan_type == ScanType.PROMPT else None

    def get_redacted_content(self, scan) -> str | None:
        return (scan.details or {}).get("redacted_content") if scan.scan_type == ScanType.PII else None

    def get_details(self, scan) -> dict:
        hidden = {"signals", "suggested_prompt", "redacted_content"}
        return {key: value for key, value in (scan.details or {}).items() if key not in hidden}


class ScanListOutputSerializer(serializers.ModelSerializer):
    project_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Scan
        fields = [
            "id",
            "scan_type",
            "status",
            "project_id",
            "ai_risk_score",
            "risk_level",
            "findings_count",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields


class ScanAlertOutputSerializer(serializers.ModelSerializer):
    project_id = serializers.UUIDField(read_only=True, allow_null=True)
    scan_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "alert_type",
            "severity",
            "title",
            "description",
            "project_id",
            "scan_id",
            "is_read",
            "is_resolved",
            "triggered_at",
        ]
        read_only_fields = fields


class ScanAlertUpdateSerializer(serializers.Serializer):
    is_read = serializers.BooleanField(required=False)
    is_resolved = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send is_read and/or is_resolved.")
        return attrs
