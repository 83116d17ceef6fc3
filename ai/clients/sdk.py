"""Clients built on the providers' official libraries: anthropic (also on Vertex) and openai
(OpenAI, Together's OpenAI-compatible API, Azure OpenAI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anthropic
import openai
from django.conf import settings

from ai.clients.base import Completion, ProviderError, ProviderRejected, safe_provider_message

T = TypeVar("T")
_REJECTED_STATUSES = (401, 403, 404)


def _body_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
    return str(getattr(exc, "message", "") or exc)


def call_sdk(provider: str, secrets: list[str], func: Callable[[], T]) -> T:
    """Runs one SDK call, turning the SDK's exceptions into ProviderRejected / ProviderError."""
    api_status = (anthropic.APIStatusError, openai.APIStatusError)
    api_connection = (anthropic.APIConnectionError, openai.APIConnectionError)
    try:
        return func()
    except api_status as exc:
        status = getattr(exc, "status_code", None)
        message = safe_provider_message(_body_message(exc), secrets=secrets)
        error = ProviderRejected if status in _REJECTED_STATUSES else ProviderError
        raise error(f"{provider} answered {status}: {message}", status=status) from None
    except api_connection as exc:
        timed_out = isinstance(exc, anthropic.APITimeoutError | openai.APITimeoutError)
        raise ProviderError(
            f"Could not reach {provider}" + (" in time." if timed_out else ": connection failed.")
        ) from None


def _base_url(code: str) -> str | None:
    return settings.AI_PROVIDER_BASE_URLS.get(code) or None


def _common() -> dict[str, Any]:
    return {"timeout": settings.AI_PROVIDER_TIMEOUT, "max_retries": settings.AI_PROVIDER_MAX_RETRIES}


def _anthropic_text(message: Any) -> str:
    return "".join(
        getattr(block, "text", "") for block in message.content if getattr(block, "type", "") == "text"
    )


class AnthropicClient:
    provider = "anthropic"

    def __init__(self, *, model: str, credentials: dict[str, Any]):
        self.model = model
        self._secrets = [credentials["api_key"]]
        self._client = anthropic.Anthropic(
            api_key=credentials["api_key"], base_url=_base_url("anthropic"), **_common()
        )

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion:
        message = call_sdk(
            self.provider,
            self._secrets,
            lambda: self._client.messages.create(
                model=self.model,
                max_tokens=max_tokens,
                system=system,
                messages=[{"role": "user", "content": prompt}],
            ),
        )
        return Completion(_anthropic_text(message), self.provider, message.model or self.model)

    def validate(self) -> str:
        info = call_sdk(self.provider, self._secrets, lambda: self._client.models.retrieve(self.model))
        return f"Credentials validated successfully; {getattr(info, 'display_name', '') or self.model} is available."


class AnthropicVertexClient(AnthropicClient):
    """Claude on Vertex AI through the anthropic library's Vertex client, with a minted access token."""

    provider = "vertex"

    def __init__(self, *, model: str, region: str, project_id: str, access_token: str, base_url: str):
        self.model = model
        self._secrets = [access_token]
        self._client = anthropic.AnthropicVertex(  # type: ignore[assignment]
            region=region, project_id=project_id, access_token=access_token, base_url=base_url, **_common()
        )

    def validate(self) -> str:
        self.complete(system="Reply with OK.", prompt="ping", max_tokens=1)
        return f"Credentials validated successfully; {self.model} answered on Vertex AI."


class OpenAIClient:
    provider = "openai"
    max_tokens_argument = "max_completion_tokens"

    def __init__(self, *, model: str, credentials: dict[str, Any]):
        self.model = model
        self._secrets = [credentials["api_key"]]
        self._client = self._build(credentials)

    def _build(self, credentials: dict[str, Any]) -> openai.OpenAI:
        return openai.OpenAI(
            api_key=credentials["api_key"],
            organization=credentials.get("organization") or None,
            base_url=_base_url(self.provider),
            **_common(),
        )

    def _create(self, *, system: str, prompt: str, max_tokens: int) -> Any:
        messages: list[Any] = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
        if self.max_tokens_argument == "max_tokens":
            return self._client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=max_tokens
            )
        return self._client.chat.completions.create(
            model=self.model, messages=messages, max_completion_tokens=max_tokens
        )

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion:
        response = call_sdk(
            self.provider,
            self._secrets,
            lambda: self._create(system=system, prompt=prompt, max_tokens=max_tokens),
        )
        if not response.choices:
            raise ProviderError(f"{self.provider} returned no answer.")
        return Completion(
            response.choices[0].message.content or "", self.provider, response.model or self.model
        )

    def validate(self) -> str:
        call_sdk(self.provider, self._secrets, lambda: self._client.models.retrieve(self.model))
        return f"Credentials validated successfully; {self.model} is available."


class TogetherClient(OpenAIClient):
    provider = "together"
    max_tokens_argument = "max_tokens"


class AzureOpenAIClient(OpenAIClient):
    provider = "azure"

    def _build(self, credentials: dict[str, Any]) -> openai.OpenAI:
        return openai.AzureOpenAI(
            api_key=credentials["api_key"],
            azure_endpoint=credentials["endpoint"],
            api_version=credentials.get("api_version") or "2024-10-21",
            **_common(),
        )

    def validate(self) -> str:
        # A deployment is not listed by the models endpoint: the smallest real request proves both.
        self.complete(system="Reply with OK.", prompt="ping", max_tokens=16)
        return f"Credentials validated successfully; deployment {self.model} answered."
