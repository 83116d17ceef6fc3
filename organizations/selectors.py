from __future__ import annotations

import uuid

from django.db.models import Count, Prefetch, Q, QuerySet

from organizations.models import Membership, Organization, Team, TeamMember


def membership_for(*, user, organization_ref: str | uuid.UUID | None) -> Membership | None:
    """The user's membership in the organization named by id or slug; the oldest active one when none is named."""
    memberships = Membership.objects.unscoped().select_related("organization").filter(user=user)
    if organization_ref in (None, ""):
        return memberships.filter(is_active=True).order_by("created_at").first()
    ref = str(organization_ref)
    try:
        return memberships.filter(organization_id=uuid.UUID(ref)).first()
    except ValueError:
        return memberships.filter(organization__slug=ref).first()


def organizations_of(*, user) -> QuerySet[Organization]:
    """The organizations the user is an active member of, with their member counts."""
    return (
        Organization.objects.filter(
            pk__in=Membership.objects.unscoped().filter(user=user, is_active=True).values("organization_id")
        )
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )


def organization_of_member(*, user, organization_id) -> Organization | None:
    try:
        uuid.UUID(str(organization_id))
    except ValueError:
        return None
    return organizations_of(user=user).filter(pk=organization_id).first()


def teams_of(*, organization, include_members: bool = False) -> QuerySet[Team]:
    teams = Team.objects.for_organization(organization).annotate(
        member_count=Count("members", filter=Q(members__organization=organization))
    )
    if include_members:
        teams = teams.prefetch_related(
            Prefetch(
                "members",
                queryset=TeamMember.objects.for_organization(organization)
                .select_related("user")
                .order_by("created_at"),
            )
        )
    return teams
