from __future__ import annotations

from typing import Any

from ai.clients.base import ProviderClient
from ai.clients.cloud import BedrockClient, VertexClient
from ai.clients.sdk import AnthropicClient, AzureOpenAIClient, OpenAIClient, TogetherClient

_CLIENTS: dict[str, Any] = {
    "anthropic": AnthropicClient,
    "openai": OpenAIClient,
    "together": TogetherClient,
    "azure": AzureOpenAIClient,
    "bedrock": BedrockClient,
    "vertex": VertexClient,
}


def client_for(*, provider_code: str, model: str, credentials: dict[str, Any]) -> ProviderClient:
    """The client of a remote provider (the local provider has none: it never leaves Palisade)."""
    return _CLIENTS[provider_code](model=model, credentials=credentials)
