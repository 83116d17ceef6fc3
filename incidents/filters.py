import django_filters

from incidents.detection.models import RuleException
from incidents.intel.models import Indicator, IndicatorType
from incidents.threats.models import Severity, Threat, ThreatStatus


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
