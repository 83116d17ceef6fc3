"""Writes of the accounts domain: registration, sessions, passwords and recovery, invitations, profiles."""

from accounts.services.invites import (
    invite_accept,
    invite_create,
    invite_for_token,
    invite_revoke,
    invite_url,
)
from accounts.services.passwords import (
    admin_may_manage_account,
    password_change,
    password_check,
    password_reset_by_admin,
    recover_with_key,
    recover_with_questions,
    recovery_questions_for,
)
from accounts.services.registration import Registration, member_create, user_register
from accounts.services.sessions import (
    Session,
    login,
    logout,
    refresh,
    revoke_refresh_tokens,
    switch_organization,
    validate_access_token,
)
from accounts.services.users import member_update

__all__ = [
    "Registration",
    "Session",
    "admin_may_manage_account",
    "invite_accept",
    "invite_create",
    "invite_for_token",
    "invite_revoke",
    "invite_url",
    "login",
    "logout",
    "member_create",
    "member_update",
    "password_change",
    "password_check",
    "password_reset_by_admin",
    "recover_with_key",
    "recover_with_questions",
    "recovery_questions_for",
    "refresh",
    "revoke_refresh_tokens",
    "switch_organization",
    "user_register",
    "validate_access_token",
]
