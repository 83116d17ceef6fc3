import django_filters
from django import forms

from incidents.onboarding.models import DiscoveredAsset, OsGuess


class IPAddressFilter(django_filters.Filter):
    field_class = forms.GenericIPAddressField


class DiscoveredAssetFilter(django_filters.FilterSet):
    scan_id = django_filters.UUIDFilter(field_name="scan_id", help_text="Assets last seen by this scan.")
    ip = IPAddressFilter(field_name="ip")
    os_guess = django_filters.MultipleChoiceFilter(choices=OsGuess.choices)
    port = django_filters.NumberFilter(
        field_name="services__port",
        min_value=1,
        max_value=65535,
        distinct=True,
        help_text="Has this port open.",
    )
    service = django_filters.CharFilter(
        field_name="services__service", lookup_expr="iexact", max_length=40, distinct=True
    )

    class Meta:
        model = DiscoveredAsset
        fields = ["scan_id", "ip", "os_guess", "port", "service"]
