from __future__ import annotations

from django.db import IntegrityError, transaction

from config.api.errors import ApplicationError, ErrorCode
from organizations.models import AuditAction, Membership, Organization, Team, TeamMember, TeamRole
from organizations.services.audit import audit_record


def _name_taken(organization_id, name: str, *, exclude=None) -> bool:
    teams = Team.objects.for_organization(organization_id).filter(name__iexact=name.strip())
    if exclude is not None:
        teams = teams.exclude(pk=exclude.pk)
    return teams.exists()


@transaction.atomic
def team_create(*, organization: Organization, name: str, description: str = "", actor, request=None) -> Team:
    if _name_taken(organization.pk, name):
        raise ApplicationError(ErrorCode.CONFLICT, f"A team named {name.strip()!r} already exists.")
    team = Team(organization=organization, name=name.strip(), description=description)
    team.full_clean()
    team.save()
    audit_record(
        action=AuditAction.TEAM_CREATED, organization=organization, actor=actor, target=team, request=request
    )
    return team


@transaction.atomic
def team_update(*, team: Team, actor, request=None, **changes) -> Team:
    if "name" in changes and _name_taken(team.organization_id, changes["name"], exclude=team):
        raise ApplicationError(
            ErrorCode.CONFLICT, f"A team named {changes['name'].strip()!r} already exists."
        )
    for field in ("name", "description"):
        if field in changes:
            setattr(team, field, changes[field].strip() if field == "name" else changes[field])
    team.full_clean()
    team.save()
    audit_record(
        action=AuditAction.TEAM_UPDATED,
        organization=team.organization,
        actor=actor,
        target=team,
        request=request,
    )
    return team


@transaction.atomic
def team_delete(*, team: Team, actor, request=None) -> None:
    audit_record(
        action=AuditAction.TEAM_DELETED,
        organization=team.organization,
        actor=actor,
        target=team,
        request=request,
    )
    team.delete()


@transaction.atomic
def team_member_add(*, team: Team, user_id, role: str = TeamRole.MEMBER, actor, request=None) -> TeamMember:
    """Adds a member of the team's organization to the team (anyone else is NOT_FOUND)."""
    membership = (
        Membership.objects.for_organization(team.organization_id)
        .select_related("user")
        .filter(user_id=user_id)
        .first()
    )
    if membership is None:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, "No such user in this organization.", {"user_id": str(user_id)}
        )
    if TeamMember.objects.for_organization(team.organization_id).filter(team=team, user_id=user_id).exists():
        raise ApplicationError(ErrorCode.CONFLICT, f"{membership.user.email} is already in {team.name}.")
    member = TeamMember(organization_id=team.organization_id, team=team, user=membership.user, role=role)
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ApplicationError(
            ErrorCode.CONFLICT, f"{membership.user.email} is already in {team.name}."
        ) from None
    audit_record(
        action=AuditAction.TEAM_MEMBER_ADDED,
        organization=team.organization,
        actor=actor,
        target=membership.user,
        request=request,
        metadata={"team_id": str(team.pk), "role": role},
    )
    return member


@transaction.atomic
def team_member_remove(*, team: Team, user_id, actor, request=None) -> None:
    member = (
        TeamMember.objects.for_organization(team.organization_id).filter(team=team, user_id=user_id).first()
    )
    if member is None:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, "That user is not in this team.", {"user_id": str(user_id)}
        )
    audit_record(
        action=AuditAction.TEAM_MEMBER_REMOVED,
        organization=team.organization,
        actor=actor,
        target=member.user,
        request=request,
        metadata={"team_id": str(team.pk)},
    )
    member.delete()
