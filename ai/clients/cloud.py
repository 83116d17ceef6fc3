"""Clients for the cloud platforms, over their documented HTTP APIs.

- AWS Bedrock: the Converse API, requests signed with Signature Version 4 (the signing is the
  documented algorithm, implemented here so Palisade does not need botocore).
- Google Vertex AI: a service-account key becomes an OAuth access token (RFC 7523 JWT bearer
  grant); Gemini models answer through `generateContent`, Claude models through the anthropic
  library's Vertex client.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import jwt
from django.conf import settings

from ai.clients.base import Completion, ProviderError, ProviderRejected, safe_provider_message
from ai.clients.sdk import AnthropicVertexClient

_REJECTED = (400, 401, 403, 404)
VERTEX_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def _http_post(provider: str, secrets: list[str], url: str, **kwargs: Any) -> dict[str, Any]:
    """POST and decode JSON, mapping failures to ProviderRejected (credentials/model) or ProviderError."""
    try:
        response = httpx.post(url, timeout=settings.AI_PROVIDER_TIMEOUT, **kwargs)
    except httpx.TimeoutException:
        raise ProviderError(f"Could not reach {provider} in time.") from None
    except httpx.HTTPError:
        raise ProviderError(f"Could not reach {provider}: connection failed.") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400:
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            detail = error.get("message") or error.get("status") or ""
        else:
            detail = (
                (body.get("error_description") or error or body.get("message") or body.get("Message") or "")
                if isinstance(body, dict)
                else ""
            )
        message = safe_provider_message(str(detail) or response.reason_phrase, secrets=secrets)
        kind = ProviderRejected if response.status_code in _REJECTED else ProviderError
        raise kind(f"{provider} answered {response.status_code}: {message}", status=response.status_code)
    if not isinstance(body, dict):
        raise ProviderError(f"{provider} returned an answer Palisade could not read.")
    return body


def sigv4_sign(
    *,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    region: str,
    service: str,
    access_key: str,
    secret_key: str,
    now: datetime,
) -> dict[str, str]:
    """Returns `headers` plus x-amz-date and Authorization, per AWS Signature Version 4."""
    parts = urlsplit(url)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    signed = {k.lower(): " ".join(v.strip().split()) for k, v in headers.items()}
    signed["host"] = parts.netloc
    signed["x-amz-date"] = amz_date
    names = sorted(signed)
    # Non-S3 services sign the path with each segment URI-encoded once more than it is sent.
    canonical_uri = quote(parts.path or "/", safe="/-_.~")
    query = "&".join(
        sorted(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
            for k, _, v in (pair.partition("=") for pair in parts.query.split("&") if pair)
        )
    )
    canonical_request = "\n".join(
        [
            method.upper(),
            canonical_uri,
            query,
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = f"AWS4{secret_key}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    result = dict(headers)
    result["x-amz-date"] = amz_date
    result["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return result


class BedrockClient:
    provider = "bedrock"

    def __init__(self, *, model: str, credentials: dict[str, Any]):
        self.model = model
        self._credentials = credentials
        self._secrets = [credentials["aws_secret_access_key"], credentials.get("aws_session_token") or ""]
        base = settings.AI_PROVIDER_BASE_URLS["bedrock"].format(region=credentials["region"])
        self._url = f"{base.rstrip('/')}/model/{quote(model, safe='')}/converse"

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion:
        body = json.dumps(
            {
                "system": [{"text": system}],
                "messages": [{"role": "user", "content": [{"text": prompt}]}],
                "inferenceConfig": {"maxTokens": max_tokens},
            }
        ).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._credentials.get("aws_session_token"):
            headers["X-Amz-Security-Token"] = self._credentials["aws_session_token"]
        headers = sigv4_sign(
            method="POST",
            url=self._url,
            headers=headers,
            body=body,
            region=self._credentials["region"],
            service="bedrock",
            access_key=self._credentials["aws_access_key_id"],
            secret_key=self._credentials["aws_secret_access_key"],
            now=datetime.now(UTC),
        )
        answer = _http_post(self.provider, self._secrets, self._url, content=body, headers=headers)
        blocks = (((answer.get("output") or {}).get("message") or {}).get("content")) or []
        text = "".join(block.get("text", "") for block in blocks if isinstance(block, dict))
        return Completion(text, self.provider, self.model)

    def validate(self) -> str:
        self.complete(system="Reply with OK.", prompt="ping", max_tokens=1)
        return f"Credentials validated successfully; {self.model} answered on Bedrock."


def vertex_access_token(service_account: dict[str, Any]) -> str:
    """Exchanges a service-account key for a one-hour OAuth access token (RFC 7523)."""
    token_url = settings.AI_VERTEX_TOKEN_URL
    now = int(time.time())
    try:
        assertion = jwt.encode(
            {
                "iss": service_account["client_email"],
                "scope": VERTEX_SCOPE,
                "aud": token_url,
                "iat": now,
                "exp": now + 3600,
            },
            service_account["private_key"],
            algorithm="RS256",
            headers={"kid": service_account.get("private_key_id", "")},
        )
    except (ValueError, TypeError, jwt.PyJWTError):
        raise ProviderRejected("vertex: the service-account private key could not be used to sign.") from None
    body = _http_post(
        "vertex",
        [service_account["private_key"]],
        token_url,
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
    )
    if not body.get("access_token"):
        raise ProviderError("vertex: the token endpoint returned no access token.")
    return str(body["access_token"])


class VertexClient:
    provider = "vertex"

    def __init__(self, *, model: str, credentials: dict[str, Any]):
        self.model = model
        self._service_account = json.loads(credentials["service_account_json"])
        self._project = credentials.get("project_id") or self._service_account.get("project_id", "")
        self._region = credentials["region"]
        self._base = settings.AI_PROVIDER_BASE_URLS["vertex"].format(region=self._region).rstrip("/")

    def _model_url(self, publisher: str, verb: str) -> str:
        return (
            f"{self._base}/projects/{quote(self._project, safe='')}/locations/{self._region}"
            f"/publishers/{publisher}/models/{quote(self.model, safe='@')}:{verb}"
        )

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion:
        token = vertex_access_token(self._service_account)
        if self.model.startswith("claude"):
            claude = AnthropicVertexClient(
                model=self.model,
                region=self._region,
                project_id=self._project,
                access_token=token,
                base_url=self._base,
            )
            return claude.complete(system=system, prompt=prompt, max_tokens=max_tokens)
        answer = _http_post(
            self.provider,
            [token],
            self._model_url("google", "generateContent"),
            headers={"Authorization": f"Bearer {token}"},
            json={
                "systemInstruction": {"parts": [{"text": system}]},
                "contents": [{"role": "user", "parts": [{"text": prompt}]}],
                "generationConfig": {"maxOutputTokens": max_tokens},
            },
        )
        candidates = answer.get("candidates") or []
        parts = ((candidates[0].get("content") or {}).get("parts") or []) if candidates else []
        text = "".join(part.get("text", "") for part in parts if isinstance(part, dict))
        return Completion(text, self.provider, self.model)

    def validate(self) -> str:
        self.complete(system="Reply with OK.", prompt="ping", max_tokens=1)
        return f"Credentials validated successfully; {self.model} answered on Vertex AI."
