"""What happens by itself when detection opens or changes an incident, and containment of an incident.

On each `incident_saved` (sent after commit) the response task generates a playbook for every
threat of the incident that has none, contains the incident when the organization turned
auto-containment on and its severity reaches the configured minimum, and evaluates triggers.
"""

from __future__ import annotations

from django.db import transaction

from config.api.errors import ApplicationError, ErrorCode
from incidents.response.models import ActionExecution, Containment, ContainmentKind, ContainmentStatus
from incidents.response.services.executions import action_execute
from incidents.response.services.workflows import playbook_generate
from incidents.threats.models import SEVERITY_RANK, Incident, Threat
from incidents.threats.selectors import detection_settings


def incident_block(
    *,
    incident: Incident,
    ip: str | None = None,
    duration_seconds: int | None = None,
    dry_run: bool = False,
    actor=None,
    agent_id=None,
) -> ActionExecution:
    """Block the incident's source (or `ip`) through an agent; a second block of a blocked IP is a 409."""
    target = ip or incident.source_ip
    if not target:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "The incident has no source IP to block; pass `ip`.", {"ip": None}
        )
    if not dry_run:
        live = (
            Containment.objects.for_organization(incident.organization_id)
            .filter(
                kind=ContainmentKind.IP_BLOCK,
                target=target,
                status__in=[ContainmentStatus.PENDING, ContainmentStatus.ACTIVE],
            )
            .first()
        )
        if live is not None:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                f"{target} is already {'blocked' if live.status == ContainmentStatus.ACTIVE else 'being blocked'}.",
                {"containment_id": str(live.pk), "status": live.status},
            )
    params: dict = {"ip": target}
    if duration_seconds:
        params["duration_seconds"] = duration_seconds
    if agent_id:
        params["agent_id"] = str(agent_id)
    return action_execute(
        organization=incident.organization,
        action="block_ip",
        params=params,
        incident=incident,
        actor=actor,
        dry_run=dry_run,
    )


def incident_respond(*, organization_id, incident_id, created: bool) -> None:
    incident = (
        Incident.objects.for_organization(organization_id)
        .select_related("organization")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        return
    for threat in (
        Threat.objects.for_organization(organization_id)
        .filter(incident=incident)
        .select_related("organization", "incident")
    ):
        with transaction.atomic():
            playbook_generate(threat=threat)
    _auto_contain(incident)
    from incidents.response.services.triggers import triggers_evaluate

    triggers_evaluate(incident=incident)


def _auto_contain(incident: Incident) -> None:
    settings_row = detection_settings(incident.organization)
    if not settings_row.auto_contain or not incident.source_ip:
        return
    if SEVERITY_RANK.get(incident.severity, 0) < SEVERITY_RANK.get(
        settings_row.auto_contain_min_severity, 99
    ):
        return
    already = Containment.objects.for_organization(incident.organization_id).filter(
        kind=ContainmentKind.IP_BLOCK,
        target=incident.source_ip,
        status__in=[ContainmentStatus.PENDING, ContainmentStatus.ACTIVE],
    )
    if already.exists():
        return
    incident_block(incident=incident)
