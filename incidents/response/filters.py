import django_filters

from incidents.response.models import (
    ApprovalStatus,
    Trigger,
    TriggerStatus,
    Workflow,
    WorkflowOrigin,
    WorkflowStatus,
)


class WorkflowFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=WorkflowStatus.choices)
    approval_status = django_filters.MultipleChoiceFilter(choices=ApprovalStatus.choices)
    origin = django_filters.MultipleChoiceFilter(choices=WorkflowOrigin.choices)
    incident_id = django_filters.CharFilter(field_name="incident__human_id")
    threat_id = django_filters.CharFilter(field_name="threat__human_id")

    class Meta:
        model = Workflow
        fields = ["status", "approval_status", "origin", "incident_id", "threat_id"]


class PlaybookFilter(WorkflowFilter):
    class Meta(WorkflowFilter.Meta):
        pass


class TriggerFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=TriggerStatus.choices)
    auto_execute = django_filters.BooleanFilter()

    class Meta:
        model = Trigger
        fields = ["status", "auto_execute"]
