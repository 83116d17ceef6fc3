"""Secrets at rest in this app: the repository token and a scan's input while it waits for its job.

Both use the platform's credential keys (AI_CREDENTIALS_KEYS: Fernet, first key encrypts, all
decrypt). Matched secrets and PII are never encrypted and kept: they are hashed (value_hash) with a
key of their own and the organization id as salt, so equal values are recognisable within one
organization and nowhere else.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.AI_CREDENTIALS_KEYS])


def encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt(token: bytes | memoryview) -> bytes:
    return _fernet().decrypt(bytes(token))


def _hash_key() -> bytes:
    configured = settings.SCANS_FINDING_HASH_KEY
    if configured:
        return configured.encode()
    return hashlib.sha256(b"palisade:scans:finding-hash:" + settings.SECRET_KEY.encode()).digest()


def value_hash(organization_id, value: str) -> str:
    """HMAC-SHA256 of a matched value, salted with the organization: never reversible, never shared."""
    message = f"{organization_id}:{value}".encode()
    return hmac.new(_hash_key(), message, hashlib.sha256).hexdigest()
