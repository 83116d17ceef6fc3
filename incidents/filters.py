import django_filters
from django.db.models import Exists, OuterRef

from incidents.detection.models import RuleException
from incidents.intel.models import Indicator, IndicatorType
from incidents.threats.models import Incident, IncidentStatus, Severity, Threat, ThreatStatus


class ThreatFilter(django_filters.FilterSet):
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(choices=ThreatStatus.choices)
    type = django_filters.CharFilter(field_name="threat_type")
    source_ip = django_filters.CharFilter(field_name="source_ip")
    from_date = django_filters.IsoDateTimeFilter(field_name="detected_at", lookup_expr="gte")
    to_date = django_filters.IsoDateTimeFilter(field_name="detected_at", lookup_expr="lte")
    synthetic = django_filters.BooleanFilter()

    class Meta:
        model = Threat
        fields = ["severity", "status", "type", "source_ip", "from_date", "to_date", "synthetic"]


class RuleExceptionFilter(django_filters.FilterSet):
    rule = django_filters.UUIDFilter(field_name="rule_id")

    class Meta:
        model = RuleException
        fields = ["rule"]


class IndicatorFilter(django_filters.FilterSet):
    type = django_filters.MultipleChoiceFilter(choices=IndicatorType.choices)
    source = django_filters.CharFilter(lookup_expr="iexact")
    min_confidence = django_filters.NumberFilter(field_name="confidence", lookup_expr="gte")

    class Meta:
        model = Indicator
        fields = ["type", "source", "min_confidence"]


class IncidentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    min_risk = django_filters.NumberFilter(
        field_name="risk_score", lookup_expr="gte", min_value=0, max_value=100
    )
    max_risk = django_filters.NumberFilter(
        field_name="risk_score", lookup_expr="lte", min_value=0, max_value=100
    )
    source_ip = django_filters.CharFilter(field_name="source_ip")
    threat_type = django_filters.CharFilter(method="filter_threat_type", max_length=64)
    from_date = django_filters.IsoDateTimeFilter(field_name="last_seen_at", lookup_expr="gte")
    to_date = django_filters.IsoDateTimeFilter(field_name="first_seen_at", lookup_expr="lte")
    assignee_id = django_filters.UUIDFilter(field_name="assignee_id")

    class Meta:
        model = Incident
        fields = [
            "status",
            "severity",
            "min_risk",
            "max_risk",
            "source_ip",
            "threat_type",
            "from_date",
            "to_date",
            "assignee_id",
        ]

    def filter_threat_type(self, queryset, name, value):
        threats = Threat.objects.filter(
            organization_id=OuterRef("organization_id"), incident=OuterRef("pk"), threat_type=value
        )
        return queryset.filter(Exists(threats))
