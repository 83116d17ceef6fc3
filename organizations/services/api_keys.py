"""Organization API keys: `plsd_<prefix>_<secret>`; only a SHA-256 digest of the whole key is stored.

The secret has 256 bits of entropy, so a fast digest is the right tool (a slow password hash
would only slow every machine request down without adding safety).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from organizations.models import ApiKey, ApiKeyScope, AuditAction, Organization
from organizations.services.audit import audit_record

KEY_PREFIX = "plsd"


def _digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    organization: Organization,
    name: str,
    scopes: list[str],
    actor,
    expires_at: datetime | None = None,
    request=None,
) -> tuple[ApiKey, str]:
    """Returns the key row and the full key, which is shown once and never stored."""
    unknown = sorted(set(scopes) - set(ApiKeyScope.values))
    if unknown or not scopes:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown scopes: {', '.join(unknown)}." if unknown else "Give at least one scope.",
            {"fields": {"scopes": [f"Choose from {', '.join(ApiKeyScope.values)}."]}},
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "expires_at must be in the future.",
            {"fields": {"expires_at": ["In the past."]}},
        )
    prefix = secrets.token_hex(4)
    raw_key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        organization=organization,
        name=name.strip(),
        prefix=prefix,
        key_digest=_digest(raw_key),
        scopes=sorted(set(scopes)),
        created_by=actor,
        expires_at=expires_at,
    )
    key.full_clean()
    key.save()
    audit_record(
        action=AuditAction.API_KEY_CREATED,
        organization=organization,
        actor=actor,
        target=key,
        request=request,
        metadata={"scopes": key.scopes},
    )
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor, request=None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            action=AuditAction.API_KEY_REVOKED,
            organization=key.organization,
            actor=actor,
            target=key,
            request=request,
        )
    return key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The live key matching `raw_key`, or None (unknown, revoked or expired)."""
    parts = raw_key.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    key = (
        ApiKey.objects.unscoped()  # looking a key up is how its organization is found
        .select_related("organization")
        .filter(key_digest=_digest(raw_key), revoked_at__isnull=True)
        .first()
    )
    if key is None or (key.expires_at is not None and key.expires_at <= timezone.now()):
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.unscoped().filter(pk=key.pk).update(last_used_at=now)
    return key
