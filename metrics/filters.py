import django_filters

from metrics.models import Direction, Metric
from metrics.reference import framework_id_for
from metrics.selectors.frameworks import function_filter_q


class MetricFilter(django_filters.FilterSet):
    function = django_filters.CharFilter(
        method="filter_function", label="Function code (PR) or name (PROTECT)"
    )
    category = django_filters.CharFilter(
        field_name="category__code", lookup_expr="iexact", label="Category code (PR.AA)"
    )
    subcategory = django_filters.CharFilter(field_name="subcategory__code", lookup_expr="iexact")
    priority = django_filters.CharFilter(
        field_name="priority", lookup_expr="iexact", label="High, Medium or Low"
    )
    framework = django_filters.CharFilter(method="filter_framework", label="csf-2.0 or ai-rmf-1.0")
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    is_locked = django_filters.BooleanFilter()
    catalog = django_filters.UUIDFilter(
        field_name="catalog_id", label="Catalog id (default: the active catalog)"
    )

    class Meta:
        model = Metric
        fields = [
            "function",
            "category",
            "subcategory",
            "priority",
            "framework",
            "direction",
            "is_locked",
            "catalog",
        ]

    def filter_function(self, queryset, name, value):
        return queryset.filter(function_filter_q(value))

    def filter_framework(self, queryset, name, value):
        return queryset.filter(framework_id=framework_id_for(value) or value)
