"""Simulated attacks: generated events go through the real ingest and detection path, flagged
synthetic, and the simulation records which threats they produced (or plainly that none did)."""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC

from django.db import transaction
from django.utils import timezone

from config.tasks import enqueue
from incidents.detection.services import batch_detect
from incidents.ingest.services import events_ingest
from incidents.simulation.generator import SPAN_SECONDS, generate, planned_events
from incidents.simulation.models import AttackSimulation, SimulationStatus
from incidents.threats.models import Threat
from incidents.threats.services import next_human_id
from organizations.services.audit import audit_record

# RFC 2544's benchmarking range: never a real attacker, so simulated traffic is recognisable.
SIMULATION_NETWORK = ipaddress.ip_network("198.18.0.0/15")


def simulation_source_ip() -> str:
    offset = random.SystemRandom().randrange(1, SIMULATION_NETWORK.num_addresses - 1)
    return str(SIMULATION_NETWORK[offset])


@transaction.atomic
def simulation_start(
    *, organization, attack_type: str, target: str, intensity: str, actor=None, request=None
):
    now = timezone.now()
    simulation = AttackSimulation.objects.create(
        organization=organization,
        human_id=next_human_id(organization=organization, prefix="SIM", year=now.year),
        attack_type=attack_type,
        target=target,
        intensity=intensity,
        source_ip=simulation_source_ip(),
        events_planned=planned_events(attack_type, intensity),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="simulation.started",
        organization=organization,
        actor=actor,
        target=simulation,
        request=request,
        metadata={"attack_type": attack_type, "intensity": intensity, "target": target},
    )
    from incidents.tasks import run_simulation

    enqueue(run_simulation, organization_id=str(organization.pk), simulation_id=str(simulation.pk))
    return simulation


def estimated_duration_s(simulation: AttackSimulation) -> int:
    """The attack's own span plus about a second of detection per 500 events."""
    return SPAN_SECONDS[simulation.attack_type] + 1 + simulation.events_planned // 500


def simulation_threats(simulation: AttackSimulation):
    if simulation.batch_id is None:
        return Threat.objects.for_organization(simulation.organization_id).none()
    return (
        Threat.objects.for_organization(simulation.organization_id)
        .filter(events__batch_id=simulation.batch_id)
        .select_related("incident")
        .distinct()
        .order_by("detected_at")
    )


def simulation_run(*, organization_id, simulation_id) -> None:
    """Safe to run twice: only a queued simulation runs."""
    updated = (
        AttackSimulation.objects.for_organization(organization_id)
        .filter(pk=simulation_id, status=SimulationStatus.QUEUED)
        .update(status=SimulationStatus.RUNNING, started_at=timezone.now())
    )
    if not updated:
        return
    simulation = (
        AttackSimulation.objects.for_organization(organization_id)
        .select_related("organization")
        .get(pk=simulation_id)
    )
    items = generate(
        attack_type=simulation.attack_type,
        intensity=simulation.intensity,
        target=simulation.target,
        source_ip=simulation.source_ip,
        now=timezone.now().astimezone(UTC),
        seed=str(simulation.pk),
    )
    result = events_ingest(
        organization=simulation.organization, items=items, endpoint="simulate-attack", synthetic=True
    )
    simulation.batch = result.batch
    simulation.events_sent = result.accepted
    simulation.save(update_fields=["batch", "events_sent", "updated_at"])
    # Detection of the batch runs now (the enqueued task then finds it done), so the outcome is known.
    batch_detect(organization_id=organization_id, batch_id=result.batch.pk)
    threats = list(simulation_threats(simulation))
    simulation.threats_detected = len(threats)
    if threats:
        kinds = ", ".join(sorted({t.threat_type for t in threats}))
        simulation.finding = f"Detected: {len(threats)} threat(s) ({kinds})."
    else:
        simulation.finding = (
            f"No detection: {result.accepted} {simulation.attack_type} events raised no threat. "
            "The rules (or the organization's sensitivity) miss this attack."
        )
    simulation.status = SimulationStatus.COMPLETED
    simulation.finished_at = timezone.now()
    simulation.save(update_fields=["threats_detected", "finding", "status", "finished_at", "updated_at"])


def simulation_failed(*, organization_id, simulation_id, error: str) -> None:
    AttackSimulation.objects.for_organization(organization_id).filter(pk=simulation_id).update(
        status=SimulationStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )
