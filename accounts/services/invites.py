"""Invitations: single-use, expiring tokens (only their SHA-256 digest is stored), sent by email."""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import Invite, User
from config.api.errors import ApplicationError, ErrorCode
from organizations.models import AuditAction, Membership, Organization, Role
from organizations.services import audit_record, membership_create


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/register?{urlencode({'invite': token})}"


@transaction.atomic
def invite_create(
    *, organization: Organization, email: str, role: str, actor: User, request=None
) -> tuple[Invite, str]:
    """Creates the invitation and emails its link; returns the invite and its token (shown once).

    Inviting the same email again replaces the pending invitation (the old link stops working)."""
    email = email.strip().lower()
    role = Role.normalize(role)
    if role not in Role.values:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown role {role!r}.",
            {"fields": {"role": [f"Choose from {', '.join(Role.values)}."]}},
        )
    if Membership.objects.for_organization(organization).filter(user__email__iexact=email).exists():
        raise ApplicationError(ErrorCode.CONFLICT, f"{email} is already a member of {organization.name}.")
    now = timezone.now()
    Invite.objects.for_organization(organization).filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invite = Invite.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_digest=_digest(token),
        invited_by=actor,
        expires_at=now + settings.INVITE_TTL,
    )
    link = invite_url(token)
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to {organization.name} on Palisade",
            message=(
                f"{actor.get_full_name()} invited you to join {organization.name} on Palisade as {role}.\n\n"
                f"Create your account here (the link works once, until {invite.expires_at:%Y-%m-%d %H:%M} UTC):\n{link}\n\n"
                f"Invitation token: {token}\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    )
    audit_record(
        action=AuditAction.INVITE_SENT,
        organization=organization,
        actor=actor,
        target=invite,
        request=request,
        metadata={"email": email, "role": role},
    )
    return invite, token


def invite_for_token(token: str, *, lock: bool = False) -> Invite:
    """The pending invitation of `token`; a clear error when it is unknown, used, revoked or expired."""
    invites = Invite.objects.unscoped().select_related(
        "organization"
    )  # the token is how its organization is found
    if lock:
        invites = invites.select_for_update()
    invite = invites.filter(token_digest=_digest((token or "").strip())).first()
    if invite is None:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "This invitation is not valid.",
            {"fields": {"invite_token": ["Unknown."]}},
        )
    status = invite.status
    if status != "pending":
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"This invitation has been {'used' if status == 'accepted' else status}.",
            {"fields": {"invite_token": [status.capitalize() + "."]}, "status": status},
        )
    return invite


@transaction.atomic
def invite_accept(*, token: str, user: User, request=None, claim: bool = False) -> Membership:
    """The user joins the inviting organization with the invited role; the invitation is spent.

    `claim`: the account was created by an admin, who already made the membership; accepting
    the invitation only proves the address and lets the person set their password."""
    invite = invite_for_token(token, lock=True)
    if invite.email.lower() != user.email.lower():
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "This invitation was sent to another email address.",
            {"fields": {"invite_token": ["Sent to another email address."]}},
        )
    membership = Membership.objects.for_organization(invite.organization_id).filter(user=user).first()
    if membership is not None and not claim:
        raise ApplicationError(ErrorCode.CONFLICT, f"You are already a member of {invite.organization.name}.")
    if membership is None:
        membership = membership_create(
            organization=invite.organization, user=user, role=invite.role, audit=False
        )
    invite.accepted_at = timezone.now()
    invite.accepted_by = user
    invite.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    if not user.is_verified:
        user.is_verified = True  # the invitation reached this address
        user.save(update_fields=["is_verified"])
    audit_record(
        action=AuditAction.INVITE_ACCEPTED,
        organization=invite.organization,
        actor=user,
        target=invite,
        request=request,
        metadata={"role": invite.role},
    )
    return membership


@transaction.atomic
def invite_revoke(*, invite: Invite, actor: User, request=None) -> Invite:
    if invite.status != "pending":
        raise ApplicationError(ErrorCode.CONFLICT, f"This invitation is already {invite.status}.")
    invite.revoked_at = timezone.now()
    invite.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        action=AuditAction.INVITE_REVOKED,
        organization=invite.organization,
        actor=actor,
        target=invite,
        request=request,
    )
    return invite
