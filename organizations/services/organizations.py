from __future__ import annotations

from django.db import transaction

from organizations.models import AuditAction, Organization, Role
from organizations.services.audit import audit_record
from organizations.services.members import membership_create
from organizations.signals import organization_created

EDITABLE_FIELDS = ("name", "description", "industry", "country")


@transaction.atomic
def organization_create(
    *,
    name: str,
    owner,
    slug: str = "",
    description: str = "",
    industry: str = "",
    country: str = "",
    request=None,
) -> Organization:
    """A new organization with `owner` as its first admin."""
    organization = Organization(
        name=name.strip(),
        slug=slug or Organization.unique_slug_for(name),
        description=description,
        industry=industry,
        country=country,
    )
    organization.full_clean()
    organization.save()
    membership_create(organization=organization, user=owner, role=Role.ADMIN, audit=False)
    organization_created.send(sender=Organization, organization=organization, owner=owner)
    audit_record(
        action=AuditAction.ORGANIZATION_CREATED,
        organization=organization,
        actor=owner,
        target=organization,
        request=request,
    )
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, actor, request=None, **changes) -> Organization:
    changed = {}
    for field in EDITABLE_FIELDS:
        if field in changes and getattr(organization, field) != changes[field]:
            changed[field] = {"from": getattr(organization, field), "to": changes[field]}
            setattr(organization, field, changes[field])
    if changed:
        organization.full_clean()
        organization.save()
        audit_record(
            action=AuditAction.ORGANIZATION_UPDATED,
            organization=organization,
            actor=actor,
            target=organization,
            request=request,
            metadata={"changes": changed},
        )
    return organization
