"""One client interface over every provider: `complete()` for answers, `validate()` for credentials."""

from ai.clients.base import Completion, ProviderClient, ProviderError, ProviderRejected, safe_provider_message
from ai.clients.factory import client_for

__all__ = [
    "Completion",
    "ProviderClient",
    "ProviderError",
    "ProviderRejected",
    "client_for",
    "safe_provider_message",
]
