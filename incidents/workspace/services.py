"""Writes of the incident workspace: status lifecycle, assignment, comments, merging, AI analysis."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

import realtime
from config.api.errors import ApplicationError, ErrorCode
from incidents.signals import incident_saved
from incidents.threats.models import INCIDENT_TRANSITIONS, Incident, IncidentObservable, Threat
from incidents.threats.services import incident_refresh
from incidents.workspace.models import ActivityKind, IncidentActivity, IncidentComment
from organizations.models import Membership
from organizations.services.audit import audit_record


def _email(user) -> str:
    return getattr(user, "email", "") or ""


def _person(user):
    return user if getattr(user, "is_authenticated", False) and hasattr(user, "email") else None


def activity_record(*, incident: Incident, kind: str, actor=None, **data: Any) -> IncidentActivity:
    return IncidentActivity.objects.create(
        organization_id=incident.organization_id,
        incident=incident,
        kind=kind,
        actor=_person(actor),
        actor_email=_email(actor),
        data=data,
    )


def incident_changed(*, incident: Incident, change: str) -> None:
    """Tell listeners (WebSockets, webhooks, the response and ML apps) that the workspace changed it."""
    realtime.publish(
        incident.organization,
        "incident_updated",
        {
            "incident_id": incident.human_id,
            "id": str(incident.pk),
            "severity": incident.severity,
            "risk_score": incident.risk_score,
            "threat_count": incident.threat_count,
            "source_ip": incident.source_ip,
            "status": incident.status,
            "change": change,
            "assignee": incident.assignee.email if incident.assignee_id else None,  # type: ignore[union-attr]
        },
    )
    organization = incident.organization
    transaction.on_commit(
        lambda: incident_saved.send(
            sender=Incident, organization=organization, incident=incident, created=False
        )
    )


@transaction.atomic
def incident_status_change(
    *, incident: Incident, status: str, actor=None, note: str = "", request=None
) -> Incident:
    """Move an incident along open -> investigating -> contained -> resolved (or false_positive),
    recording who and when; a move the lifecycle does not allow is a 400 and changes nothing."""
    previous = incident.status
    if status == previous:
        return incident
    allowed = INCIDENT_TRANSITIONS.get(previous, ())
    if status not in allowed:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"An incident cannot go from {previous} to {status}.",
            {"status": [f"From {previous}: {', '.join(allowed) or 'nothing'}."]},
        )
    now = timezone.now()
    incident.status = status
    incident.status_changed_at = now
    incident.status_changed_by = _person(actor)
    incident.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])
    activity_record(
        incident=incident,
        kind=ActivityKind.STATUS_CHANGED,
        actor=actor,
        previous=previous,
        status=status,
        note=note,
    )
    audit_record(
        action="incident.status_changed",
        organization=incident.organization,
        actor=actor,
        target=incident,
        request=request,
        metadata={"previous": previous, "status": status},
    )
    incident_changed(incident=incident, change="status")
    return incident


@transaction.atomic
def incident_assign(*, incident: Incident, assignee_id, actor=None, request=None) -> Incident:
    """Assign to an active member of the incident's organization, or unassign with None."""
    assignee = None
    if assignee_id is not None:
        membership = (
            Membership.objects.filter(
                organization_id=incident.organization_id, user_id=assignee_id, is_active=True
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "The assignee must be an active member of this organization.",
                {"assignee_id": ["Not a member of this organization."]},
            )
        assignee = membership.user
    previous = incident.assignee.email if incident.assignee_id else None  # type: ignore[union-attr]
    incident.assignee = assignee
    incident.save(update_fields=["assignee", "updated_at"])
    activity_record(
        incident=incident,
        kind=ActivityKind.ASSIGNED,
        actor=actor,
        previous=previous,
        assignee=assignee.email if assignee else None,
    )
    audit_record(
        action="incident.assigned",
        organization=incident.organization,
        actor=actor,
        target=incident,
        request=request,
        metadata={"previous": previous, "assignee": assignee.email if assignee else None},
    )
    incident_changed(incident=incident, change="assignment")
    return incident


@transaction.atomic
def incident_comment_add(*, incident: Incident, body: str, actor=None) -> IncidentComment:
    comment = IncidentComment.objects.create(
        organization_id=incident.organization_id,
        incident=incident,
        author=_person(actor),
        author_email=_email(actor),
        body=body,
    )
    activity_record(incident=incident, kind=ActivityKind.COMMENTED, actor=actor, comment_id=str(comment.pk))
    return comment


@transaction.atomic
def incidents_merge(*, organization, target_id, source_ids: list, actor=None, request=None) -> Incident:
    """Move every threat and observable of the source incidents into the target; the sources are
    resolved and point at the target. Both sides keep an activity saying what moved, who and when."""
    wanted = {str(i) for i in [target_id, *source_ids]}
    if str(target_id) in {str(s) for s in source_ids}:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "The target is also a source.",
            {"source_ids": ["Leave the target out."]},
        )
    from incidents.threats.selectors import incident_for

    locked = {
        str(i.pk): i
        for i in Incident.objects.for_organization(organization).select_for_update().filter(pk__in=wanted)
    }
    missing = sorted(wanted - set(locked))
    if missing:
        raise ApplicationError(ErrorCode.NOT_FOUND, "Some incidents do not exist.", {"missing": missing})
    target = locked[str(target_id)]
    sources = [locked[str(s)] for s in source_ids]
    if target.merged_into_id is not None or any(s.merged_into_id for s in sources):
        raise ApplicationError(
            ErrorCode.CONFLICT, "An incident that was merged into another cannot take part in a merge."
        )
    moved: dict[str, list[str]] = {}
    now = timezone.now()
    for source in sources:
        threats = list(
            Threat.objects.for_organization(organization)
            .filter(incident=source)
            .values_list("human_id", flat=True)
        )
        Threat.objects.for_organization(organization).filter(incident=source).update(
            incident=target, updated_at=now
        )
        observables = list(
            IncidentObservable.objects.for_organization(organization)
            .filter(incident=source)
            .values_list("kind", "value")
        )
        IncidentObservable.objects.bulk_create(
            [
                IncidentObservable(organization_id=organization.pk, incident=target, kind=k, value=v)
                for k, v in observables
            ],
            ignore_conflicts=True,
        )
        moved[source.human_id] = threats
        previous = source.status
        source.merged_into = target
        source.status = "resolved"
        source.status_changed_at = now
        source.status_changed_by = _person(actor)
        source.save()
        incident_refresh(incident=source)
        activity_record(
            incident=source,
            kind=ActivityKind.MERGED_INTO,
            actor=actor,
            target=target.human_id,
            threats_moved=threats,
            previous_status=previous,
        )
    incident_refresh(incident=target)
    activity_record(incident=target, kind=ActivityKind.MERGED, actor=actor, merged=moved)
    audit_record(
        action="incident.merged",
        organization=organization,
        actor=actor,
        target=target,
        request=request,
        metadata={"merged": moved},
    )
    for incident in (*sources, target):
        incident_changed(incident=incident, change="merge")
    refreshed = incident_for(organization, target.pk)
    assert refreshed is not None
    return refreshed
