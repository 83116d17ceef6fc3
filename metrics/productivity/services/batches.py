"""After a batch commits: evaluate alert rules and push fresh widget data (the batch task's work)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from metrics.productivity.models import BatchSource, MetricBatch
from metrics.productivity.services.alerts import alerts_evaluate
from metrics.productivity.services.dashboards import dashboards_push_updates


def batch_process(*, batch_id, organization_id) -> dict:
    """Idempotent: a batch already processed is left alone."""
    with transaction.atomic():
        batch = (
            MetricBatch.objects.for_organization(organization_id)
            .select_for_update()
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or batch.processed_at is not None:
            return {"processed": False}
        fired = []
        agents = batch.source != BatchSource.PRODUCTIVITY
        if not agents and batch.period_start and batch.period_end:
            fired = alerts_evaluate(
                organization_id=organization_id,
                metric_types=batch.metric_types,
                period_start=batch.period_start,
                period_end=batch.period_end,
            )
        updates = dashboards_push_updates(
            organization_id=organization_id, metric_types=set(batch.metric_types), agents=agents
        )
        batch.processed_at = timezone.now()
        batch.save(update_fields=["processed_at", "updated_at"])
    return {"processed": True, "alerts": len(fired), "dashboard_updates": updates}
