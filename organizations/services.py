from __future__ import annotations

from django.db import transaction

from organizations.models import Membership, Organization, Role


@transaction.atomic
def organization_create(
    *, name: str, owner, description: str = "", industry: str = "", country: str = ""
) -> Organization:
    """A new organization with `owner` as its first admin."""
    organization = Organization(
        name=name.strip(),
        slug=Organization.unique_slug_for(name),
        description=description,
        industry=industry,
        country=country,
    )
    organization.full_clean()
    organization.save()
    membership_create(organization=organization, user=owner, role=Role.ADMIN)
    return organization


@transaction.atomic
def membership_create(*, organization: Organization, user, role: str) -> Membership:
    membership = Membership(organization=organization, user=user, role=Role.normalize(role))
    membership.full_clean()
    membership.save()
    return membership
