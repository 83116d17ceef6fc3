"""Signing in and out: login (with django-axes lockout), token refresh and rotation, logout,
switching the active organization, and validating a token."""

from __future__ import annotations

from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User
from accounts.tokens import tokens_for
from config.api.errors import ApplicationError, ErrorCode
from organizations.models import AuditAction, Membership
from organizations.selectors import membership_for
from organizations.services import audit_record


@dataclass
class Session:
    user: User
    membership: Membership | None
    tokens: dict


def _raw(request):
    return getattr(request, "_request", request)


def _membership_or_error(*, user: User, organization_ref) -> Membership | None:
    """The membership to sign into: the one named (id or slug), else the oldest active one."""
    membership = membership_for(user=user, organization_ref=organization_ref or None)
    if organization_ref and membership is None:
        raise ApplicationError(
            ErrorCode.FORBIDDEN,
            "You are not a member of that organization.",
            {"organization": str(organization_ref)},
        )
    if membership is not None and not membership.is_active:
        raise ApplicationError(
            ErrorCode.FORBIDDEN, "Your membership of this organization has been deactivated."
        )
    if membership is None and Membership.objects.unscoped().filter(user=user).exists():
        raise ApplicationError(
            ErrorCode.FORBIDDEN, "Your membership has been deactivated in every organization."
        )
    return membership


def _locked_out(seconds: int | None = None) -> ApplicationError:
    seconds = seconds or int(settings.AXES_COOLOFF_TIME.total_seconds())
    return ApplicationError(
        ErrorCode.RATE_LIMITED,
        "Too many failed sign-in attempts. Try again later.",
        {"retry_after": seconds},
        headers={"Retry-After": str(seconds)},
    )


def login(*, login: str, password: str, organization_ref=None, request) -> Session:
    """Email or username + password. Five failures for an account, or from an IP, lock it out."""
    login = (login or "").strip()
    user = User.objects.for_login(login)
    # Axes counts per account whatever name was typed: always the email when the account exists.
    username = user.email if user is not None else login.lower()
    credentials = {"username": username}
    raw = _raw(request)
    if not AxesProxyHandler.is_allowed(raw, credentials):
        audit_record(
            action=AuditAction.LOCKED_OUT,
            organization=_home_organization(user),
            actor_email=username[:254],
            target=user,
            request=request,
        )
        raise _locked_out()
    authenticated = authenticate(raw, username=username, password=password)
    if authenticated is None:
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            organization=_home_organization(user),
            actor_email=username[:254],
            target=user,
            request=request,
            metadata={"locked_out": bool(getattr(raw, "axes_locked_out", False))},
        )
        raise ApplicationError(ErrorCode.UNAUTHORIZED, "The email/username or password is wrong.")
    membership = _membership_or_error(user=authenticated, organization_ref=organization_ref)
    session = Session(authenticated, membership, tokens_for(user=authenticated, membership=membership))
    User.objects.filter(pk=authenticated.pk).update(last_login=timezone.now())
    audit_record(
        action=AuditAction.LOGIN_SUCCEEDED,
        organization=membership.organization if membership else None,
        actor=authenticated,
        target=authenticated,
        request=request,
    )
    return session


def _home_organization(user: User | None):
    if user is None:
        return None
    membership = membership_for(user=user, organization_ref=None)
    return membership.organization if membership else None


def _refresh_token(raw_token: str) -> RefreshToken:
    try:
        return RefreshToken(raw_token)  # type: ignore[arg-type]  # verifies signature, expiry, type, and the blacklist
    except TokenError as error:
        raise ApplicationError(ErrorCode.UNAUTHORIZED, f"The refresh token is not valid: {error}.") from None


def refresh(*, raw_token: str, organization_ref=None) -> Session:
    """Rotates the refresh token (the old one is blacklisted) and re-reads the membership, so a
    changed role or a deactivation takes effect at the next refresh at the latest."""
    old = _refresh_token(raw_token)
    user = User.objects.filter(pk=old.get("sub"), is_active=True).first()
    if user is None:
        raise ApplicationError(
            ErrorCode.UNAUTHORIZED, "The account of this token no longer exists or is disabled."
        )
    try:
        membership = _membership_or_error(user=user, organization_ref=organization_ref or old.get("org"))
    except ApplicationError as error:
        raise ApplicationError(ErrorCode.UNAUTHORIZED, error.message) from None
    old.blacklist()
    return Session(user, membership, tokens_for(user=user, membership=membership))


def switch_organization(*, user: User, organization_ref, request=None) -> Session:
    membership = _membership_or_error(user=user, organization_ref=organization_ref)
    if membership is None:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "Name an organization.", {"fields": {"organization": ["Required."]}}
        )
    return Session(user, membership, tokens_for(user=user, membership=membership))


def revoke_refresh_tokens(*, user: User) -> int:
    """Blacklists every refresh token of the user that is not yet blacklisted."""
    outstanding = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now()).exclude(
        blacklistedtoken__isnull=False
    )
    rows = [BlacklistedToken(token=token) for token in outstanding]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def logout(*, user: User, raw_refresh: str | None, request=None) -> None:
    """With a refresh token: that session ends. Without: every session of the user ends."""
    if raw_refresh:
        token = _refresh_token(raw_refresh)
        if str(token.get("sub")) != str(user.pk):
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "That refresh token belongs to someone else.",
                {"fields": {"refresh_token": ["Not yours."]}},
            )
        token.blacklist()
        scope = "session"
    else:
        revoke_refresh_tokens(user=user)
        scope = "all"
    membership = getattr(_raw(request), "membership", None) if request is not None else None
    audit_record(
        action=AuditAction.LOGOUT,
        organization=membership.organization if membership else None,
        actor=user,
        target=user,
        request=request,
        metadata={"scope": scope},
    )


def validate_access_token(raw_token: str) -> tuple[User, Membership | None] | None:
    """The user and membership an access token stands for, or None when it is not valid now."""
    try:
        token = AccessToken(raw_token)  # type: ignore[arg-type]  # the stubs miss the str form
    except TokenError:
        return None
    user = User.objects.filter(pk=token.get("sub"), is_active=True).first()
    if user is None:
        return None
    membership = membership_for(user=user, organization_ref=token.get("org")) if token.get("org") else None
    if token.get("org") and (membership is None or not membership.is_active):
        return None
    return user, membership
