"""Creating accounts: self-registration (new organization), by invitation, or by an admin (seed C)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.services.invites import invite_accept, invite_for_token
from accounts.services.passwords import password_check, recovery_profile_create
from config.api.errors import ApplicationError, ErrorCode
from organizations.models import AuditAction, Membership, Organization, Role
from organizations.services import audit_record, membership_create, organization_create


@dataclass
class Registration:
    user: User
    membership: Membership
    recovery_key: str | None


def _email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def _username_check(username: str | None) -> str | None:
    username = (username or "").strip() or None
    if username is None:
        return None
    if "@" in username:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "A username may not contain @.",
            {"fields": {"username": ["No @ allowed."]}},
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(
            ErrorCode.CONFLICT, "This username is taken.", {"fields": {"username": ["Taken."]}}
        )
    return username


def _new_user(
    *, email: str, password: str | None, full_name: str, username: str | None, is_verified: bool = False
) -> User:
    user = User(email=email, full_name=full_name.strip(), username=username, is_verified=is_verified)
    if password is None:
        user.set_unusable_password()
    else:
        password_check(password, user=user)
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ApplicationError(
            ErrorCode.CONFLICT, "An account with this email or username already exists."
        ) from None
    return user


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str,
    full_name: str = "",
    username: str | None = None,
    organization_name: str = "",
    invite_token: str = "",
    security: dict[str, str] | None = None,
    request=None,
) -> Registration:
    """Self-registration. Without an invitation the person gets a new organization and is its
    admin; with one, they join the inviting organization with the invited role. The first user
    of the installation may set two security questions and receives a one-time recovery key."""
    email = email.strip().lower()
    first_user = not User.objects.exists()
    if security and not first_user:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "Security questions can only be set by the first user of an installation.",
            {"fields": {"security_question_1": ["Not accepted here."]}},
        )
    if invite_token:
        invite = invite_for_token(invite_token)
        if invite.email.lower() != email:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "This invitation was sent to another email address.",
                {"fields": {"email": ["Does not match the invitation."]}},
            )
    existing = User.objects.filter(email__iexact=email).first()
    claim = existing is not None and bool(invite_token) and not existing.has_usable_password()
    if existing is not None:
        if claim:
            # An account an admin created for this person (seed C): registering claims it.
            password_check(password, user=existing)
            existing.set_password(password)
            existing.full_name = full_name.strip() or existing.full_name
            existing.save(update_fields=["password", "full_name"])
            user = existing
        else:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                "An account with this email already exists. Sign in instead"
                + (" and accept the invitation there." if invite_token else "."),
            )
    else:
        user = _new_user(
            email=email, password=password, full_name=full_name, username=_username_check(username)
        )
    recovery_key = recovery_profile_create(user=user, **security) if security else None
    if invite_token:
        membership = invite_accept(token=invite_token, user=user, request=request, claim=claim)
    else:
        name = organization_name.strip() or f"{user.get_short_name()}'s organization"
        organization = organization_create(name=name, owner=user, request=request)
        membership = Membership.objects.for_organization(organization).get(user=user)
    audit_record(
        action=AuditAction.REGISTERED,
        organization=membership.organization,
        actor=user,
        target=user,
        request=request,
        metadata={"via": "invite" if invite_token else "self"},
    )
    return Registration(user, membership, recovery_key)


@transaction.atomic
def member_create(
    *,
    organization: Organization,
    email: str,
    full_name: str,
    role: str,
    password: str | None,
    actor: User,
    request=None,
) -> Membership:
    """An admin adds a person (seed C's POST users). A new account without a password gets an
    invitation email to set one; an existing account is added to the organization."""
    from accounts.services.invites import invite_create

    email = email.strip().lower()
    role = Role.normalize(role)
    if Membership.objects.for_organization(organization).filter(user__email__iexact=email).exists():
        raise ApplicationError(ErrorCode.CONFLICT, f"{email} is already a member of {organization.name}.")
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = _new_user(email=email, password=password, full_name=full_name, username=None)
        if password is None:
            invite_create(organization=organization, email=email, role=role, actor=actor, request=request)
            # the invitation only lets them set a password: the membership exists from now on
    membership = membership_create(
        organization=organization, user=user, role=role, actor=actor, request=request
    )
    return membership
