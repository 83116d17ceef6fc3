"""Demo data for `make run` (called by accounts' seed_demo): the demo organization's default
catalog with a few months of measurements, so scores, ratings and trends have something to show.

Idempotent: metrics that already have a value or history are left as they are.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from metrics.catalog_template import sample_value
from metrics.models import Metric, MetricValue
from metrics.services.catalogs import catalog_create_default

HISTORY_POINTS = 4  # monthly, the last one today


@transaction.atomic
def load(*, organization, admin) -> None:
    catalog = catalog_create_default(organization=organization, owner=admin)
    now = timezone.now()
    has_history = set(
        MetricValue.objects.for_organization(organization)
        .filter(metric__catalog=catalog)
        .values_list("metric_id", flat=True)
    )
    points = []
    for metric in Metric.objects.for_organization(organization).filter(
        catalog=catalog, current_value__isnull=True
    ):
        if metric.pk in has_history:
            continue
        template = {
            "name": metric.name,
            "target_value": metric.target_value,
            "direction": metric.direction,
            "unit": metric.unit,
        }
        final = sample_value(template, salt=str(organization.pk))
        start = sample_value(template, salt=f"{organization.pk}:start")
        for step in range(HISTORY_POINTS):
            # A straight path from an earlier reading to today's, one point a month.
            value = round(start + (final - start) * step / (HISTORY_POINTS - 1), 1)
            points.append(
                MetricValue(
                    organization=organization,
                    metric=metric,
                    value=value,
                    recorded_at=now - timedelta(days=30 * (HISTORY_POINTS - 1 - step)),
                    recorded_by=admin,
                )
            )
        metric.current_value = final
        metric.save(update_fields=["current_value", "updated_at"])
    MetricValue.objects.bulk_create(points)
