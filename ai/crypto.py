"""Provider credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256) under AI_CREDENTIALS_KEYS."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in settings.AI_CREDENTIALS_KEYS])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"AI_CREDENTIALS_KEY is not a valid Fernet key: {exc}") from None


def credentials_encrypt(credentials: dict[str, Any]) -> str:
    return _fernet().encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()


def credentials_decrypt(token: str) -> dict[str, Any]:
    """The credentials behind `token`; raises InvalidToken when no configured key opens it."""
    return json.loads(_fernet().decrypt(token.encode()))


def credentials_mask(value: str) -> str:
    """A fragment a person recognises a key by, revealing too little to use or guess it."""
    value = (value or "").strip()
    if len(value) < 12:
        return "••••"
    return f"{value[:4]}…{value[-4:]}"


__all__ = ["InvalidToken", "credentials_decrypt", "credentials_encrypt", "credentials_mask"]
