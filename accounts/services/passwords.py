"""Password policy and the ways a password changes: by its owner, by an admin, by recovery."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import RecoveryProfile, User
from accounts.services.sessions import revoke_refresh_tokens
from config.api.errors import ApplicationError, ErrorCode
from organizations.models import AuditAction, Membership, Role
from organizations.selectors import membership_for
from organizations.services import audit_record

# Asked for an email that has no recovery profile, so the answer never tells whether it exists.
DECOY_QUESTIONS = [
    "What was the name of your first pet?",
    "In what city were you born?",
    "What was the make of your first car?",
    "What is the name of the street you grew up on?",
    "What was the name of your primary school?",
    "What is your oldest sibling's middle name?",
    "What was your childhood nickname?",
    "In what city did your parents meet?",
]
RECOVERY_KEY_GROUPS = 6
RECOVERY_KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand


def password_check(password: str, *, user: User | None = None, field: str = "password") -> None:
    """Django's validators (length 12, common, numeric, similar to the user): VALIDATION_ERROR naming the rule."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            " ".join(error.messages),
            {
                "fields": {field: list(error.messages)},
                "rules": sorted({e.code for e in error.error_list if e.code}),
            },
        ) from None


def normalize_answer(answer: str) -> str:
    """Answers match regardless of case and spacing ("new  york" is "New York")."""
    return " ".join((answer or "").split()).casefold()


def normalize_recovery_key(key: str) -> str:
    return "".join(ch for ch in (key or "").upper() if ch.isalnum())


def recovery_key_generate() -> str:
    chars = [secrets.choice(RECOVERY_KEY_ALPHABET) for _ in range(RECOVERY_KEY_GROUPS * 4)]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, len(chars), 4))


def recovery_profile_create(
    *, user: User, question_1: str, answer_1: str, question_2: str, answer_2: str
) -> str:
    """Stores the questions with hashed answers and a hashed recovery key; returns the key (shown once)."""
    answers = {"security_answer_1": answer_1, "security_answer_2": answer_2}
    errors = {name: ["May not be blank."] for name, value in answers.items() if not normalize_answer(value)}
    for name, value in (("security_question_1", question_1), ("security_question_2", question_2)):
        if not (value or "").strip():
            errors[name] = ["May not be blank."]
    if errors:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "Both security questions need an answer.", {"fields": errors}
        )
    key = recovery_key_generate()
    RecoveryProfile.objects.create(
        user=user,
        question_1=question_1.strip()[:200],
        answer_1_hash=make_password(normalize_answer(answer_1)),
        question_2=question_2.strip()[:200],
        answer_2_hash=make_password(normalize_answer(answer_2)),
        recovery_key_hash=make_password(normalize_recovery_key(key)),
    )
    return key


def recovery_questions_for(email: str) -> tuple[str, str]:
    """The user's two questions, or a decoy pair that is the same for the same email every time."""
    user = User.objects.filter(email__iexact=(email or "").strip()).select_related("recovery").first()
    profile = getattr(user, "recovery", None) if user is not None else None
    if profile is not None:
        return profile.question_1, profile.question_2
    digest = hmac.new(
        settings.SECRET_KEY.encode(), (email or "").strip().lower().encode(), hashlib.sha256
    ).digest()
    first = digest[0] % len(DECOY_QUESTIONS)
    second = (first + 1 + digest[1] % (len(DECOY_QUESTIONS) - 1)) % len(DECOY_QUESTIONS)
    return DECOY_QUESTIONS[first], DECOY_QUESTIONS[second]


def _failure_key(email: str) -> str:
    return "recovery-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _guard_recovery_attempts(email: str) -> None:
    if cache.get(_failure_key(email), 0) >= settings.RECOVERY_FAILURE_LIMIT:
        seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
        raise ApplicationError(
            ErrorCode.RATE_LIMITED,
            "Too many failed recovery attempts for this account. Try again later.",
            {"retry_after": seconds},
            headers={"Retry-After": str(seconds)},
        )


def _recovery_failed(email: str, *, method: str, request) -> ApplicationError:
    key = _failure_key(email)
    cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    user = User.objects.filter(email__iexact=email.strip()).first()
    audit_record(
        action=AuditAction.RECOVERY_FAILED,
        organization=_home_organization(user),
        actor_email=email.strip()[:254],
        target=user,
        request=request,
        metadata={"method": method},
    )
    return ApplicationError(ErrorCode.VALIDATION_ERROR, "The email or the recovery details are wrong.")


def _home_organization(user: User | None):
    if user is None:
        return None
    membership = membership_for(user=user, organization_ref=None)
    return membership.organization if membership else None


def _set_password(*, user: User, new_password: str, action: str, actor, request, metadata=None) -> None:
    password_check(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoke_refresh_tokens(user=user)
    memberships = Membership.objects.unscoped().filter(user=user).select_related("organization")
    for membership in memberships:  # every organization the person works in sees it
        audit_record(
            action=action,
            organization=membership.organization,
            actor=actor,
            target=user,
            request=request,
            metadata=metadata,
        )
    if not memberships:
        audit_record(action=action, actor=actor, target=user, request=request, metadata=metadata)


def recover_with_key(*, email: str, recovery_key: str, new_password: str, request=None) -> str:
    """Sets a new password with the one-time key; returns a fresh key (the used one is spent)."""
    _guard_recovery_attempts(email)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).select_related("recovery").first()
    profile = getattr(user, "recovery", None) if user is not None else None
    if (
        profile is None
        or not profile.recovery_key_hash
        or not check_password(normalize_recovery_key(recovery_key), profile.recovery_key_hash)
    ):
        raise _recovery_failed(email, method="key", request=request)
    assert user is not None  # a profile implies its user
    password_check(new_password, user=user, field="new_password")
    new_key = recovery_key_generate()
    with transaction.atomic():  # the failure record above must survive; the change is all or nothing
        profile.recovery_key_hash = make_password(normalize_recovery_key(new_key))
        profile.save(update_fields=["recovery_key_hash", "updated_at"])
        _set_password(
            user=user,
            new_password=new_password,
            action=AuditAction.PASSWORD_RECOVERED,
            actor=user,
            request=request,
            metadata={"method": "key"},
        )
    cache.delete(_failure_key(email))
    return new_key


def recover_with_questions(
    *, email: str, answer_1: str, answer_2: str, new_password: str, request=None
) -> None:
    _guard_recovery_attempts(email)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).select_related("recovery").first()
    profile = getattr(user, "recovery", None) if user is not None else None
    if profile is None or not (
        check_password(normalize_answer(answer_1), profile.answer_1_hash)
        & check_password(normalize_answer(answer_2), profile.answer_2_hash)  # both checked: no timing hint
    ):
        raise _recovery_failed(email, method="questions", request=request)
    assert user is not None  # a profile implies its user
    with transaction.atomic():
        _set_password(
            user=user,
            new_password=new_password,
            action=AuditAction.PASSWORD_RECOVERED,
            actor=user,
            request=request,
            metadata={"method": "questions"},
        )
    cache.delete(_failure_key(email))


@transaction.atomic
def password_change(*, user: User, current_password: str, new_password: str, request=None) -> None:
    if not user.check_password(current_password):
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "The current password is wrong.",
            {"fields": {"current_password": ["Wrong password."]}},
        )
    if current_password == new_password:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "The new password must differ from the current one.",
            {"fields": {"new_password": ["Same as the current password."]}},
        )
    _set_password(
        user=user, new_password=new_password, action=AuditAction.PASSWORD_CHANGED, actor=user, request=request
    )


def admin_may_manage_account(*, actor: User, target: User) -> bool:
    """An admin may change a person's account (password, name) only if every organization the
    person belongs to is one the admin administers: otherwise one tenant's admin could take
    over an account another tenant relies on."""
    target_orgs = set(
        Membership.objects.unscoped().filter(user=target).values_list("organization_id", flat=True)
    )
    admin_orgs = set(
        Membership.objects.unscoped()
        .filter(user=actor, role=Role.ADMIN, is_active=True)
        .values_list("organization_id", flat=True)
    )
    return target_orgs <= admin_orgs


@transaction.atomic
def password_reset_by_admin(*, actor: User, membership: Membership, new_password: str, request=None) -> None:
    target = membership.user
    if not admin_may_manage_account(actor=actor, target=target):
        raise ApplicationError(
            ErrorCode.FORBIDDEN,
            "This person also belongs to an organization you do not administer; they must reset their password themselves.",
        )
    _set_password(
        user=target,
        new_password=new_password,
        action=AuditAction.PASSWORD_RESET,
        actor=actor,
        request=request,
    )
