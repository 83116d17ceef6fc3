"""Webhook signatures.

Header `X-Palisade-Signature: t=<unix ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<raw body>")>` signs the
exact bytes sent, with a timestamp the receiver checks for freshness (replays).

Body `signature` (seed C): hex HMAC-SHA256(secret, canonical JSON of the body without `signature`),
canonical meaning keys sorted, separators "," and ":", UTF-8 (non-ASCII kept as is).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

SIGNATURE_HEADER = "X-Palisade-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def canonical_json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def body_signature(secret: str, body: dict[str, Any]) -> str:
    unsigned = {key: value for key, value in body.items() if key != "signature"}
    return _hmac(secret, canonical_json(unsigned))


def signed_body(secret: str, body: dict[str, Any]) -> bytes:
    """The bytes to POST: the body plus its `signature`."""
    return canonical_json({**body, "signature": body_signature(secret, body)})


def signature_header(secret: str, raw_body: bytes, *, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},v1={_hmac(secret, str(ts).encode() + b'.' + raw_body)}"


def verify_signature_header(
    secret: str, raw_body: bytes, header: str, *, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> bool:
    """What a receiver does (documented, and used by the tests): check the MAC and the freshness."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        ts = int(fields["t"])
        given = fields["v1"]
    except (KeyError, ValueError):
        return False
    if abs(time.time() - ts) > tolerance:
        return False
    expected = _hmac(secret, str(ts).encode() + b"." + raw_body)
    return hmac.compare_digest(expected, given)
