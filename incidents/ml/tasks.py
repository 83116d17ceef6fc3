"""Celery tasks of the ML domain: ids in, one service call."""

from config.tasks import palisade_task
from organizations.models import Organization


@palisade_task(name="ml.retrain", max_retries=2)
def retrain(*, organization_id: str, job_id: str) -> str | None:
    from incidents.ml.services.training import training_run

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    job = training_run(organization=organization, job_id=job_id)
    return job.status if job else None


@palisade_task(name="ml.score_incident", max_retries=3)
def score_incident(*, organization_id: str, incident_id: str) -> float | None:
    from incidents.ml.services.scoring import incident_score

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    return incident_score(organization=organization, incident_id=incident_id)


@palisade_task(name="ml.federated_round", max_retries=2)
def federated_round(*, round_id: str) -> str | None:
    from incidents.ml.services.federated import round_run

    result = round_run(round_id=round_id)
    return result.status if result else None
