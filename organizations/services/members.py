from __future__ import annotations

from django.db import transaction

from config.api.errors import ApplicationError, ErrorCode
from organizations.models import AuditAction, Membership, Organization, Role
from organizations.services.audit import audit_record


def _active_admins(organization_id) -> int:
    return (
        Membership.objects.for_organization(organization_id)
        .filter(role=Role.ADMIN, is_active=True, user__is_active=True)
        .count()
    )


def _guard_last_admin(membership: Membership) -> None:
    if (
        membership.role == Role.ADMIN
        and membership.is_active
        and _active_admins(membership.organization_id) <= 1
    ):
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "This is the organization's last admin; make someone else admin first.",
            {"user_id": str(membership.user_id)},
        )


@transaction.atomic
def membership_create(
    *, organization: Organization, user, role: str, actor=None, request=None, audit: bool = True
) -> Membership:
    role = Role.normalize(role)
    if role not in Role.values:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, f"Unknown role {role!r}.", {"role": Role.values})
    if Membership.objects.for_organization(organization).filter(user=user).exists():
        raise ApplicationError(ErrorCode.CONFLICT, f"{user.email} is already a member of this organization.")
    membership = Membership(organization=organization, user=user, role=role)
    membership.full_clean()
    membership.save()
    if audit:
        audit_record(
            action=AuditAction.MEMBER_ADDED,
            organization=organization,
            actor=actor,
            target=user,
            request=request,
            metadata={"role": role},
        )
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor, request=None) -> Membership:
    role = Role.normalize(role)
    if role not in Role.values:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, f"Unknown role {role!r}.", {"role": Role.values})
    membership = (
        Membership.objects.select_for_update()
        .for_organization(membership.organization_id)
        .get(pk=membership.pk)
    )
    if role == membership.role:
        return membership
    if role != Role.ADMIN:
        _guard_last_admin(membership)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        action=AuditAction.ROLE_CHANGED,
        organization=membership.organization,
        actor=actor,
        target=membership.user,
        request=request,
        metadata={"from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_set_active(*, membership: Membership, active: bool, actor, request=None) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .for_organization(membership.organization_id)
        .get(pk=membership.pk)
    )
    if membership.is_active == active:
        return membership
    if not active:
        _guard_last_admin(membership)
    membership.is_active = active
    membership.save(update_fields=["is_active", "updated_at"])
    audit_record(
        action=AuditAction.MEMBER_ACTIVATED if active else AuditAction.MEMBER_DEACTIVATED,
        organization=membership.organization,
        actor=actor,
        target=membership.user,
        request=request,
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor, request=None) -> None:
    membership = (
        Membership.objects.select_for_update()
        .for_organization(membership.organization_id)
        .get(pk=membership.pk)
    )
    _guard_last_admin(membership)
    from organizations.models import TeamMember

    TeamMember.objects.for_organization(membership.organization_id).filter(
        user_id=membership.user_id
    ).delete()
    audit_record(
        action=AuditAction.MEMBER_REMOVED,
        organization=membership.organization,
        actor=actor,
        target=membership.user,
        request=request,
        metadata={"role": membership.role},
    )
    membership.delete()
