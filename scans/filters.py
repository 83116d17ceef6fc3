import django_filters

from scans.models import Alert, Project, RepoType, Scan, ScanStatus, ScanType, Severity


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
