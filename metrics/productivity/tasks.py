"""Celery tasks of the productivity app: thin, ids in, one service each."""

from config.tasks import palisade_task


@palisade_task(name="productivity.process_batch", max_retries=3)
def process_batch(*, batch_id: str, organization_id: str) -> dict:
    from metrics.productivity.services.batches import batch_process

    return batch_process(batch_id=batch_id, organization_id=organization_id)


@palisade_task(name="productivity.export_report", max_retries=2)
def export_report(*, report_id: str, organization_id: str) -> dict:
    from metrics.productivity.services.reports import report_build

    return report_build(report_id=report_id, organization_id=organization_id)
