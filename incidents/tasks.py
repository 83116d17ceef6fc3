"""Celery tasks of the incidents app: thin, ids in, one service call."""

from config.tasks import palisade_task


@palisade_task(name="incidents.detect_batch", max_retries=3, time_limit=300, soft_time_limit=240)
def detect_batch(*, organization_id: str, batch_id: str) -> int:
    from incidents.detection.services import batch_detect, batch_failed

    try:
        return batch_detect(organization_id=organization_id, batch_id=batch_id)
    except Exception as exc:
        batch_failed(organization_id=organization_id, batch_id=batch_id, error=repr(exc))
        raise


@palisade_task(name="incidents.run_simulation", max_retries=2, time_limit=300, soft_time_limit=240)
def run_simulation(*, organization_id: str, simulation_id: str) -> None:
    from incidents.simulation.services import simulation_failed, simulation_run

    try:
        simulation_run(organization_id=organization_id, simulation_id=simulation_id)
    except Exception as exc:
        simulation_failed(organization_id=organization_id, simulation_id=simulation_id, error=repr(exc))
        raise


@palisade_task(name="incidents.adaptive_learning", max_retries=2, time_limit=300, soft_time_limit=240)
def adaptive_learning(*, organization_id: str) -> None:
    from incidents.telemetry.adaptive import learning_run

    learning_run(organization_id=organization_id)
