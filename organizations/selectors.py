from __future__ import annotations

import uuid

from organizations.models import Membership


def membership_for(*, user, organization_ref: str | uuid.UUID | None) -> Membership | None:
    """The user's membership in the organization named by id or slug; the oldest one when none is named."""
    memberships = Membership.objects.unscoped().select_related("organization").filter(user=user)
    if organization_ref in (None, ""):
        return memberships.order_by("created_at").first()
    ref = str(organization_ref)
    try:
        return memberships.filter(organization_id=uuid.UUID(ref)).first()
    except ValueError:
        return memberships.filter(organization__slug=ref).first()


def organizations_of(*, user):
    return Membership.objects.unscoped().filter(user=user).select_related("organization")
