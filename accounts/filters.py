import django_filters

from organizations.models import Membership, Role


class MemberFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    is_active = django_filters.BooleanFilter(field_name="user__is_active")

    class Meta:
        model = Membership
        fields = ["role", "is_active"]
