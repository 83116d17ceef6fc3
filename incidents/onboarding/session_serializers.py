"""Input and output of the onboarding session's operations (start ... complete, skip)."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rest_framework import serializers

from incidents.onboarding.models import (
    SESSION_STATES,
    AssetCheck,
    DiscoveredAsset,
    NetworkScan,
    StepStatus,
)
from incidents.onboarding.sessions import PERMISSIONS

COMPANY_SIZES = ["1-10", "11-50", "51-200", "201-1000", "1000+"]
ENVIRONMENTS = ["on_prem", "aws", "azure", "gcp", "other"]


class StartInputSerializer(serializers.Serializer):
    restart = serializers.BooleanField(
        required=False, default=False, help_text="Begin again after onboarding was completed or skipped."
    )


class ProfileInputSerializer(serializers.Serializer):
    company_name = serializers.CharField(max_length=200)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    company_size = serializers.ChoiceField(choices=COMPANY_SIZES, required=False)
    environments = serializers.ListField(
        child=serializers.ChoiceField(choices=ENVIRONMENTS), required=False, default=list, max_length=5
    )
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    timezone = serializers.CharField(max_length=64, required=False, default="UTC")
    compliance_frameworks = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=10
    )

    def validate_timezone(self, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(f"{value!r} is not an IANA time zone.") from None
        return value


class PermissionsInputSerializer(serializers.Serializer):
    granted = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(PERMISSIONS)),
        min_length=1,
        max_length=len(PERMISSIONS),
        help_text="; ".join(f"{name}: {text}" for name, text in sorted(PERMISSIONS.items())),
    )
    acknowledged = serializers.BooleanField(help_text="The admin confirms the organization allows this.")

    def validate_acknowledged(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Permissions are only recorded when acknowledged is true.")
        return value


class PermissionsOutputSerializer(serializers.Serializer):
    granted = serializers.ListField(child=serializers.CharField())
    granted_by = serializers.UUIDField(allow_null=True)
    granted_at = serializers.DateTimeField()


class NetworkScanInputSerializer(serializers.Serializer):
    cidr = serializers.CharField(max_length=64, help_text="An address or CIDR inside an allowed network.")
    ports = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=65535),
        required=False,
        max_length=1024,
        help_text="TCP ports to probe (at most ONBOARDING_SCAN_MAX_PORTS); default: 32 common service ports.",
    )


class NetworkScanOutputSerializer(serializers.ModelSerializer):
    scan_id = serializers.UUIDField(source="id", read_only=True)

    class Meta:
        model = NetworkScan
        fields = [
            "scan_id",
            "cidr",
            "ports",
            "status",
            "attempts",
            "addresses_scanned",
            "hosts_up",
            "open_ports",
            "duration_ms",
            "failure_reason",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class OpenPortSerializer(serializers.Serializer):
    port = serializers.IntegerField()
    service = serializers.CharField()
    banner = serializers.CharField(allow_blank=True)


class DiscoveredAssetOutputSerializer(serializers.ModelSerializer):
    asset_id = serializers.UUIDField(source="id", read_only=True)
    scan_id = serializers.UUIDField(read_only=True)
    open_ports = OpenPortSerializer(source="services", many=True, read_only=True)
    services = serializers.SerializerMethodField()

    class Meta:
        model = DiscoveredAsset
        fields = [
            "asset_id",
            "ip",
            "hostname",
            "os_guess",
            "open_ports",
            "services",
            "scan_id",
            "last_seen_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_services(self, asset) -> list[str]:
        return sorted({service.service for service in asset.services.all()})


class PlannedAssetSerializer(serializers.Serializer):
    asset_id = serializers.UUIDField()
    ip = serializers.CharField()
    hostname = serializers.CharField(allow_blank=True)
    os_guess = serializers.CharField()
    services = serializers.ListField(child=serializers.CharField())
    profile = serializers.CharField(help_text="linux-server, windows-server, agentless or review.")
    deploy_agent = serializers.BooleanField()
    capabilities = serializers.ListField(child=serializers.CharField())
    log_sources = serializers.ListField(child=serializers.CharField())
    token_label = serializers.CharField(help_text="Mint this host's enrollment token with this label.")


class PlanSummarySerializer(serializers.Serializer):
    assets = serializers.IntegerField()
    agents_required = serializers.IntegerField()
    by_profile = serializers.DictField(child=serializers.IntegerField())


class AgentTokenStepSerializer(serializers.Serializer):
    operation = serializers.CharField()
    tokens_required = serializers.IntegerField()
    labels = serializers.ListField(child=serializers.CharField())
    instructions = serializers.CharField()


class DeploymentPlanSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    assets = PlannedAssetSerializer(many=True)
    summary = PlanSummarySerializer()
    agent_token_step = AgentTokenStepSerializer()


class DeploymentPlanOutputSerializer(serializers.Serializer):
    session_id = serializers.UUIDField(source="id")
    generated_at = serializers.DateTimeField(source="plan_generated_at")
    plan = DeploymentPlanSerializer(source="deployment_plan")


class ValidationCheckSerializer(serializers.Serializer):
    check = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class AssetValidationSerializer(serializers.Serializer):
    asset_id = serializers.UUIDField()
    ip = serializers.CharField()
    hostname = serializers.CharField(allow_blank=True)
    profile = serializers.CharField()
    status = serializers.ChoiceField(choices=AssetCheck.choices)
    enrollment_id = serializers.UUIDField(allow_null=True)
    last_heartbeat_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class ValidationOutputSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    plan_version = serializers.IntegerField(allow_null=True)
    validated_at = serializers.DateTimeField()
    checks = ValidationCheckSerializer(many=True)
    assets = AssetValidationSerializer(many=True)


class SkipInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OnboardingStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=StepStatus.choices)
    at = serializers.DateTimeField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)


class PlanDigestSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    generated_at = serializers.DateTimeField()
    assets = serializers.IntegerField()
    agents_required = serializers.IntegerField()


class ValidationDigestSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    validated_at = serializers.DateTimeField()
    ok = serializers.IntegerField()
    missing = serializers.IntegerField()


class FindingsSerializer(serializers.Serializer):
    assets_discovered = serializers.IntegerField()
    assets_by_os = serializers.DictField(child=serializers.IntegerField())
    agents_enrolled = serializers.IntegerField()
    agents_online = serializers.IntegerField()
    latest_scan = NetworkScanOutputSerializer(allow_null=True)
    deployment_plan = PlanDigestSerializer(allow_null=True)
    validation = ValidationDigestSerializer(allow_null=True)


class ProfileOutputSerializer(serializers.Serializer):
    company_name = serializers.CharField()
    industry = serializers.CharField(allow_blank=True)
    company_size = serializers.CharField(required=False)
    environments = serializers.ListField(child=serializers.CharField())
    contact_email = serializers.CharField(allow_blank=True)
    timezone = serializers.CharField()
    compliance_frameworks = serializers.ListField(child=serializers.CharField())
    saved_at = serializers.DateTimeField()


class OnboardingStatusSerializer(serializers.Serializer):
    session_id = serializers.UUIDField(allow_null=True)
    status = serializers.ChoiceField(choices=SESSION_STATES)
    current_step = serializers.CharField(allow_null=True)
    progress_percent = serializers.IntegerField(min_value=0, max_value=100)
    steps = OnboardingStepSerializer(many=True)
    remaining_steps = serializers.ListField(child=serializers.CharField())
    profile = ProfileOutputSerializer(allow_null=True)
    permissions = PermissionsOutputSerializer(allow_null=True)
    findings = FindingsSerializer()
    started_at = serializers.DateTimeField(allow_null=True)
    started_by = serializers.UUIDField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by = serializers.UUIDField(allow_null=True)
    skipped_at = serializers.DateTimeField(allow_null=True)
    skipped_by = serializers.UUIDField(allow_null=True)
    skip_reason = serializers.CharField(allow_blank=True)
