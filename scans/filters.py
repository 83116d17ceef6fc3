import django_filters

from scans.models import (
    Alert,
    AllowMatchType,
    Finding,
    FindingStatus,
    Project,
    PromptAllowEntry,
    RepoType,
    Scan,
    ScanStatus,
    ScanType,
    Severity,
    TriageResolution,
    TriageRule,
)


class ProjectFilter(django_filters.FilterSet):
    repo_type = django_filters.ChoiceFilter(choices=RepoType.choices)
    is_public = django_filters.BooleanFilter()

    class Meta:
        model = Project
        fields = ["repo_type", "is_public"]


class ScanFilter(django_filters.FilterSet):
    project_id = django_filters.UUIDFilter(field_name="project_id")
    scan_type = django_filters.ChoiceFilter(choices=ScanType.choices)
    status = django_filters.ChoiceFilter(choices=ScanStatus.choices)

    class Meta:
        model = Scan
        fields = ["project_id", "scan_type", "status"]


class AlertFilter(django_filters.FilterSet):
    project_id = django_filters.UUIDFilter(field_name="project_id")
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    is_read = django_filters.BooleanFilter()
    is_resolved = django_filters.BooleanFilter()

    class Meta:
        model = Alert
        fields = ["project_id", "severity", "is_read", "is_resolved"]


class FindingFilter(django_filters.FilterSet):
    project_id = django_filters.UUIDFilter(field_name="project_id")
    scan_id = django_filters.UUIDFilter(field_name="last_seen_scan_id", label="Findings the scan last saw")
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    scan_type = django_filters.ChoiceFilter(choices=ScanType.choices)
    rule_id = django_filters.CharFilter()
    triage_rule_id = django_filters.UUIDFilter(field_name="triage_rule_id")

    class Meta:
        model = Finding
        fields = ["project_id", "scan_id", "status", "severity", "scan_type", "rule_id", "triage_rule_id"]


class TriageRuleFilter(django_filters.FilterSet):
    project_id = django_filters.UUIDFilter(field_name="project_id")
    resolution = django_filters.ChoiceFilter(choices=TriageResolution.choices)
    rule_id = django_filters.CharFilter()

    class Meta:
        model = TriageRule
        fields = ["project_id", "resolution", "rule_id"]


class PromptAllowEntryFilter(django_filters.FilterSet):
    match_type = django_filters.ChoiceFilter(choices=AllowMatchType.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = PromptAllowEntry
        fields = ["match_type", "is_active"]
