from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Things that look like credentials, whoever they belong to: provider keys, AWS key ids, bearer tokens.
_KEYLIKE = re.compile(
    r"(sk-[A-Za-z0-9_\-]{6,}|AKIA[0-9A-Z]{12,}|ASIA[0-9A-Z]{12,}|ya29\.[A-Za-z0-9_\-.]+|Bearer\s+\S+|"
    r"-----BEGIN [A-Z ]+-----.*?-----END [A-Z ]+-----)",
    re.DOTALL,
)
MAX_MESSAGE = 300


@dataclass(frozen=True)
class Completion:
    text: str
    provider: str
    model: str


class ProviderError(Exception):
    """The provider could not answer (unreachable, rate limited, server error, bad answer)."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class ProviderRejected(ProviderError):
    """The provider answered, and refused these credentials or this model."""


def safe_provider_message(text: str, *, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """A provider's error text fit to show a user: no credentials, no control characters, short."""
    text = str(text or "")
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    text = _KEYLIKE.sub("[redacted]", text)
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1] + "…"
    return text or "The provider returned an error without a message."


class ProviderClient(Protocol):
    provider: str
    model: str

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion: ...

    def validate(self) -> str: ...
