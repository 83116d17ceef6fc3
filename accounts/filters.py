import django_filters
from django.db.models import F

from organizations.models import Membership, Role


class MemberFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    is_active = django_filters.BooleanFilter(field_name="is_active", help_text="Active in this organization.")
    team_id = django_filters.UUIDFilter(method="filter_team", help_text="Only members of this team.")

    class Meta:
        model = Membership
        fields = ["role", "is_active", "team_id"]

    def filter_team(self, queryset, name, value):
        return queryset.filter(
            user__team_memberships__team_id=value, user__team_memberships__organization=F("organization")
        ).distinct()
