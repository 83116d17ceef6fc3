"""Federated learning across organizations that opted in.

Each participant trains a logistic model on its own verdicts; the coordinator receives only
(coefficients, intercept, sample count) per participant, averages them weighted by samples
(FedAvg), optionally adds Gaussian noise for (epsilon, delta)-differential privacy, and offers the
result back. A participant adopts the global model only if it beats its local model on its own
held-out verdicts. No event, threat or verdict leaves its organization.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from config.tasks import enqueue
from incidents.ml import engine, selectors
from incidents.ml.features import TRIAGE_FEATURES
from incidents.ml.models import (
    FederatedCoordinator,
    FederatedParticipant,
    FederatedRound,
    JobStatus,
    ModelKind,
    VersionSource,
)
from incidents.ml.services.versions import version_store
from organizations.models import Organization


def coordinator_initialize(
    *, organization, epsilon: float | None, min_participants: int
) -> FederatedCoordinator:
    with transaction.atomic():
        current = FederatedCoordinator.objects.select_for_update().order_by("created_at").first()
        if current is None:
            return FederatedCoordinator.objects.create(
                epsilon=epsilon,
                min_participants=min_participants,
                initialized_by_organization=organization.pk,
            )
    if current.epsilon != epsilon or current.min_participants != min_participants:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "The platform's coordinator is already initialized with other settings.",
            {"epsilon": current.epsilon, "min_participants": current.min_participants},
        )
    return current


@transaction.atomic
def participant_initialize(*, organization, opted_in: bool) -> FederatedParticipant:
    participant, _ = FederatedParticipant.objects.for_organization(organization).update_or_create(
        organization=organization, defaults={"opted_in": opted_in}
    )
    return participant


def _participant_or_error(organization) -> FederatedParticipant:
    participant = selectors.participant_of(organization)
    if participant is None or not participant.opted_in:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "This organization does not take part in federated learning: POST federated/participant/initialize first.",
        )
    return participant


def local_update(*, organization) -> engine.LinearParams | None:
    """Train on this organization's own verdicts; what leaves it is the returned parameters only."""
    participant = selectors.participant_of(organization)
    data = selectors.labeled_threats(organization)
    ok, message = selectors.enough_verdicts(data)
    if participant is None:
        return None
    if not ok:
        participant.local_metrics = {"status": "insufficient_data", "message": message}
        participant.save(update_fields=["local_metrics", "updated_at"])
        return None
    x_train, x_test, y_train, y_test = engine.holdout_split(data.x, data.y, settings.ML_HOLDOUT_FRACTION)
    params = engine.triage_fit(x_train, y_train)
    participant.local_params = params.as_dict()
    participant.local_samples = len(y_train)
    participant.local_metrics = engine.classification_metrics(y_test, params.probability(x_test))
    participant.local_trained_at = timezone.now()
    participant.save()
    return params


def federated_aggregate(
    updates: list[engine.LinearParams], *, epsilon: float | None, seed: int | None = None
):
    """The coordinator's whole view of a round: clipped parameters and sample counts, nothing else."""
    clipped = [engine.clip_params(u, settings.FEDERATED_CLIP_NORM) for u in updates]
    averaged = engine.federated_average(clipped)
    if epsilon is None:
        return averaged, None
    sigma = engine.gaussian_sigma(
        epsilon=epsilon,
        delta=settings.FEDERATED_DP_DELTA,
        clip_norm=settings.FEDERATED_CLIP_NORM,
        participants=len(updates),
    )
    return engine.add_noise(averaged, sigma, seed=seed), sigma


def training_start(*, organization) -> FederatedRound:
    from incidents.ml.tasks import federated_round

    _participant_or_error(organization)
    with transaction.atomic():
        coordinator = FederatedCoordinator.objects.select_for_update().order_by("created_at").first()
        if coordinator is None:
            raise ApplicationError(
                ErrorCode.CONFLICT, "No coordinator: POST federated/coordinator/initialize first."
            )
        last = coordinator.rounds.order_by("-number").first()
        if last is not None and last.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return last
        created = FederatedRound.objects.create(
            coordinator=coordinator, number=(last.number + 1) if last else 1
        )
        enqueue(federated_round, round_id=str(created.pk))
    return created


def round_run(*, round_id: str) -> FederatedRound | None:
    with transaction.atomic():
        current = (
            FederatedRound.objects.select_for_update()
            .filter(pk=round_id)
            .select_related("coordinator")
            .first()
        )
        if current is None or current.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            return current
        current.status, current.started_at = JobStatus.RUNNING, timezone.now()
        current.save(update_fields=["status", "started_at"])
    # Audited cross-tenant place: the round visits each participant, which trains on its own data.
    participants = list(
        FederatedParticipant.objects.unscoped().filter(opted_in=True).order_by("organization_id")
    )
    updates: list[engine.LinearParams] = []
    contributors: list[Organization] = []
    for participant in participants:
        organization = Organization.objects.get(pk=participant.organization_id)
        update = local_update(organization=organization)
        if update is not None:
            updates.append(update)
            contributors.append(organization)
    coordinator = current.coordinator
    if len(updates) < coordinator.min_participants:
        current.status = JobStatus.INSUFFICIENT_DATA
        current.message = (
            f"{len(updates)} of {len(participants)} participants had enough verdicts; the coordinator needs "
            f"{coordinator.min_participants}."
        )
    else:
        averaged, sigma = federated_aggregate(updates, epsilon=coordinator.epsilon)
        coordinator.global_version += 1
        coordinator.global_params = {**averaged.as_dict(), "feature_names": TRIAGE_FEATURES}
        coordinator.save(update_fields=["global_version", "global_params", "updated_at"])
        current.status = JobStatus.COMPLETED
        current.noise_sigma = sigma
        current.global_params = coordinator.global_params
        current.message = f"Averaged {len(updates)} participants' parameters."
        for organization in contributors:
            global_offer(organization=organization, coordinator=coordinator, round_number=current.number)
    current.participants, current.total_samples = len(updates), sum(u.samples for u in updates)
    current.finished_at = timezone.now()
    current.save()
    return current


def global_offer(*, organization, coordinator: FederatedCoordinator, round_number: int) -> dict[str, Any]:
    """The participant compares the global model with its own on its own held-out verdicts."""
    participant = selectors.participant_of(organization)
    data = selectors.labeled_threats(organization)
    if participant is None or not participant.local_params:
        return {"adopted": False}
    _x_train, x_test, _y_train, y_test = engine.holdout_split(data.x, data.y, settings.ML_HOLDOUT_FRACTION)
    global_params = engine.LinearParams.from_dict(coordinator.global_params)
    local = engine.LinearParams.from_dict(participant.local_params)
    global_metrics = engine.classification_metrics(y_test, global_params.probability(x_test))
    local_metrics = engine.classification_metrics(y_test, local.probability(x_test))
    adopted = engine.score_of(global_metrics) > engine.score_of(local_metrics)
    offer = {
        "round": round_number,
        "global_version": coordinator.global_version,
        "global_metrics": global_metrics,
        "local_metrics": local_metrics,
        "adopted": adopted,
    }
    if adopted:
        version_store(
            organization=organization,
            kind=ModelKind.TRIAGE,
            source=VersionSource.FEDERATED,
            algorithm="federated_logistic_regression",
            feature_names=TRIAGE_FEATURES,
            artefact={"params": global_params.as_dict(), "reference": data.x[:500].tolist()},
            metrics=global_metrics,
            baseline_metrics=local_metrics,
            training_stats={"global_version": coordinator.global_version},
            training_samples=global_params.samples,
            holdout_samples=len(y_test),
            promote=True,
            reason=f"Global model v{coordinator.global_version} beat the local model on this organization's held-out verdicts.",
        )
        participant.adopted_global_version = coordinator.global_version
    participant.last_round, participant.last_offer = round_number, offer
    participant.save()
    return offer


def models_train(*, organization) -> dict[str, Any]:
    participant = _participant_or_error(organization)
    params = local_update(organization=organization)
    participant.refresh_from_db()
    return {
        "trained": params is not None,
        "local_samples": participant.local_samples,
        "local_metrics": participant.local_metrics,
        "message": "Local model trained on this organization's own verdicts; only its parameters are shared in rounds."
        if params is not None
        else participant.local_metrics.get("message", "Not enough verdicts."),
    }
