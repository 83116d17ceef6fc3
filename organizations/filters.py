import django_filters

from organizations.models import AuditAction, AuditEvent


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    pass


class AuditEventFilter(django_filters.FilterSet):
    # Apps record their own actions too (billing.plan_changed, ...): any action name, comma-separated.
    action = CharInFilter(
        field_name="action", help_text=f"Action names, comma-separated (e.g. {AuditAction.LOGIN_FAILED})."
    )
    actor = django_filters.UUIDFilter(field_name="actor_id", label="Actor user id")
    actor_email = django_filters.CharFilter(field_name="actor_email", lookup_expr="iexact")
    start_date = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    end_date = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "actor_email", "start_date", "end_date"]
