from __future__ import annotations

from datetime import UTC, datetime, time

import django_filters
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from ai.models import AIAction, AIChangeLogEntry


def _moment(raw: str, *, end: bool) -> datetime:
    """A date-time from an ISO 8601 date-time or a bare date (a bare end date includes that day)."""
    moment = parse_datetime(raw)
    if moment is None:
        day = parse_date(raw)
        if day is None:
            raise ValidationError({"end_date" if end else "start_date": [f"Not an ISO 8601 date: {raw!r}."]})
        moment = datetime.combine(day, time.max if end else time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


class AIChangeLogFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=AIAction.choices)
    user_id = django_filters.UUIDFilter(field_name="user_id")
    mode = django_filters.CharFilter(field_name="mode", lookup_expr="iexact")
    start_date = django_filters.CharFilter(method="filter_start", label="From (ISO 8601 date or date-time)")
    end_date = django_filters.CharFilter(method="filter_end", label="Until (ISO 8601 date or date-time)")

    class Meta:
        model = AIChangeLogEntry
        fields = ["action", "user_id", "mode", "start_date", "end_date"]

    def filter_start(self, queryset, name, value):
        return queryset.filter(created_at__gte=_moment(value, end=False))

    def filter_end(self, queryset, name, value):
        return queryset.filter(created_at__lte=_moment(value, end=True))
