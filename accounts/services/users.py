"""Changing people: profile fields (seed C's PUT users/{id})."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.services.passwords import admin_may_manage_account
from config.api.errors import ApplicationError, ErrorCode
from organizations.models import Membership
from organizations.services import membership_set_active, membership_set_role


@transaction.atomic
def member_update(
    *, membership: Membership, actor: User, actor_membership: Membership, request=None, **changes
) -> Membership:
    """Profile fields (full_name, username) by the person or an admin who may manage the account;
    role and is_active (per organization) by an admin of this organization."""
    user = membership.user
    is_self = user.pk == actor.pk
    profile = {k: changes[k] for k in ("full_name", "username") if k in changes}
    if profile:
        if not is_self and not (
            actor_membership.is_admin and admin_may_manage_account(actor=actor, target=user)
        ):
            raise ApplicationError(
                ErrorCode.FORBIDDEN,
                "Only the person, or an admin of all their organizations, can change their profile.",
            )
        if "full_name" in profile:
            user.full_name = profile["full_name"].strip()
        if "username" in profile:
            username = (profile["username"] or "").strip() or None
            if username and "@" in username:
                raise ApplicationError(
                    ErrorCode.VALIDATION_ERROR,
                    "A username may not contain @.",
                    {"fields": {"username": ["No @ allowed."]}},
                )
            user.username = username
        try:
            with transaction.atomic():
                user.save(update_fields=["full_name", "username"])
        except IntegrityError:
            raise ApplicationError(
                ErrorCode.CONFLICT, "This username is taken.", {"fields": {"username": ["Taken."]}}
            ) from None
    if ("role" in changes or "is_active" in changes) and not actor_membership.is_admin:
        raise ApplicationError(ErrorCode.FORBIDDEN, "Only an admin can change roles or deactivate members.")
    if "role" in changes:
        membership = membership_set_role(
            membership=membership, role=changes["role"], actor=actor, request=request
        )
    if "is_active" in changes:
        membership = membership_set_active(
            membership=membership, active=changes["is_active"], actor=actor, request=request
        )
    return membership
