"""The providers Palisade can talk to (seed A's table), their auth fields and model lists.

`local` is built in: it needs no credentials and no network, and is what everyone uses until
they configure and activate a provider of their own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LOCAL = "local"
LOCAL_MODEL = "palisade-rules-1"


@dataclass(frozen=True)
class AuthField:
    name: str
    label: str
    type: str = "password"  # password | text | url | textarea
    required: bool = True
    placeholder: str = ""
    secret: bool = True  # masked in hints; every field is encrypted regardless


@dataclass(frozen=True)
class ModelInfo:
    model_id: str
    display_name: str
    description: str = ""
    context_window: int = 128000
    max_output_tokens: int = 8192
    supports_vision: bool = False
    supports_function_calling: bool = True
    deprecated_on: str | None = None  # the provider's announced end-of-life date


@dataclass(frozen=True)
class Provider:
    code: str
    name: str
    description: str
    auth_type: str
    auth_fields: tuple[AuthField, ...]
    models: tuple[ModelInfo, ...]
    default_model: str
    # Azure deployments are named by the customer, so any deployment name is accepted there.
    free_model_ids: bool = False
    hint_field: str = "api_key"
    extra: dict[str, Any] = field(default_factory=dict)

    def model(self, model_id: str) -> ModelInfo | None:
        return next((m for m in self.models if m.model_id == model_id), None)

    def as_dict(self, *, include_models: bool = True) -> dict[str, Any]:
        data = {
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "auth_type": self.auth_type,
            "auth_fields": [{k: v for k, v in asdict(f).items() if k != "secret"} for f in self.auth_fields],
            "default_model": self.default_model,
            "available": True,
            "is_local": self.code == LOCAL,
            "custom_model_ids": self.free_model_ids,
        }
        if include_models:
            data["models"] = [asdict(m) for m in self.models]
        return data


_API_KEY = AuthField("api_key", "API Key", placeholder="sk-...")

PROVIDERS: dict[str, Provider] = {
    p.code: p
    for p in (
        Provider(
            code=LOCAL,
            name="Palisade local assistant",
            description=(
                "Built-in, offline and deterministic: rule- and template-based answers drawn from your "
                "catalog and the NIST frameworks. No credentials, no data leaves Palisade. It is not a "
                "language model and says so in its answers."
            ),
            auth_type="none",
            auth_fields=(),
            models=(
                ModelInfo(
                    LOCAL_MODEL,
                    "Palisade rules v1",
                    "Template and keyword rules over the catalog and framework data",
                    context_window=0,
                    max_output_tokens=0,
                    supports_function_calling=False,
                ),
            ),
            default_model=LOCAL_MODEL,
            hint_field="",
        ),
        Provider(
            code="anthropic",
            name="Anthropic Claude",
            description="Claude AI models from Anthropic (Opus, Sonnet and Haiku 4.5)",
            auth_type="api_key",
            auth_fields=(AuthField("api_key", "API Key", placeholder="sk-ant-api03-..."),),
            models=(
                ModelInfo(
                    "claude-opus-4-5-20251101",
                    "Claude Opus 4.5",
                    "Most capable model for complex analysis",
                    200000,
                    64000,
                    True,
                ),
                ModelInfo(
                    "claude-sonnet-4-5-20250929",
                    "Claude Sonnet 4.5",
                    "Best balance of intelligence and speed",
                    200000,
                    64000,
                    True,
                    deprecated_on="2026-11-30",
                ),
                ModelInfo(
                    "claude-haiku-4-5-20251001",
                    "Claude Haiku 4.5",
                    "Fastest and cheapest",
                    200000,
                    64000,
                    True,
                ),
            ),
            # Sonnet 4.5 reaches end-of-life on 2026-11-30 (per the anthropic library), so not the default.
            default_model="claude-opus-4-5-20251101",
        ),
        Provider(
            code="openai",
            name="OpenAI",
            description="GPT-5 family models from OpenAI",
            auth_type="api_key",
            auth_fields=(
                _API_KEY,
                AuthField(
                    "organization",
                    "Organization ID",
                    "text",
                    required=False,
                    placeholder="org-...",
                    secret=False,
                ),
            ),
            models=(
                ModelInfo("gpt-5", "GPT-5", "Flagship reasoning model", 400000, 128000, True),
                ModelInfo("gpt-5-mini", "GPT-5 mini", "Faster, cheaper GPT-5", 400000, 128000, True),
                ModelInfo("gpt-5-nano", "GPT-5 nano", "Fastest, cheapest GPT-5", 400000, 128000, True),
            ),
            default_model="gpt-5-mini",
        ),
        Provider(
            code="together",
            name="Together AI",
            description="Open models hosted by Together AI: DeepSeek, Qwen, Llama 4, Mistral",
            auth_type="api_key",
            auth_fields=(_API_KEY,),
            models=(
                ModelInfo("deepseek-ai/DeepSeek-V3", "DeepSeek V3", "Strong general model", 131072, 8192),
                ModelInfo("Qwen/Qwen2.5-72B-Instruct-Turbo", "Qwen 2.5 72B Instruct Turbo", "", 32768, 8192),
                ModelInfo(
                    "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
                    "Llama 4 Maverick",
                    "",
                    1048576,
                    8192,
                    True,
                ),
                ModelInfo("mistralai/Mistral-Small-24B-Instruct-2501", "Mistral Small 3", "", 32768, 8192),
            ),
            default_model="meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
        ),
        Provider(
            code="azure",
            name="Azure OpenAI Service",
            description="OpenAI models deployed in your Azure subscription; the model is your deployment name",
            auth_type="api_key_and_config",
            auth_fields=(
                _API_KEY,
                AuthField(
                    "endpoint",
                    "Endpoint",
                    "url",
                    placeholder="https://my-resource.openai.azure.com",
                    secret=False,
                ),
                AuthField(
                    "api_version",
                    "API version",
                    "text",
                    required=False,
                    placeholder="2024-10-21",
                    secret=False,
                ),
            ),
            models=(
                ModelInfo(
                    "gpt-5",
                    "GPT-5 (deployment)",
                    "Name your deployment after the model",
                    400000,
                    128000,
                    True,
                ),
                ModelInfo("gpt-4.1", "GPT-4.1 (deployment)", "", 1047576, 32768, True),
            ),
            default_model="gpt-5",
            free_model_ids=True,
            extra={"default_api_version": "2024-10-21"},
        ),
        Provider(
            code="bedrock",
            name="AWS Bedrock",
            description="Models on AWS Bedrock through the Converse API, signed with your IAM credentials",
            auth_type="iam_credentials",
            auth_fields=(
                AuthField("aws_access_key_id", "Access key ID", "text", placeholder="AKIA...", secret=False),
                AuthField("aws_secret_access_key", "Secret access key"),
                AuthField("aws_session_token", "Session token", required=False),
                AuthField("region", "Region", "text", placeholder="us-east-1", secret=False),
            ),
            models=(
                ModelInfo(
                    "anthropic.claude-sonnet-4-5-20250929-v1:0",
                    "Claude Sonnet 4.5 (Bedrock)",
                    "",
                    200000,
                    64000,
                    True,
                ),
                ModelInfo(
                    "anthropic.claude-haiku-4-5-20251001-v1:0",
                    "Claude Haiku 4.5 (Bedrock)",
                    "",
                    200000,
                    64000,
                    True,
                ),
                ModelInfo("amazon.nova-pro-v1:0", "Amazon Nova Pro", "", 300000, 5000, True),
                ModelInfo("meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B Instruct", "", 128000, 8192),
            ),
            default_model="anthropic.claude-sonnet-4-5-20250929-v1:0",
            hint_field="aws_access_key_id",
        ),
        Provider(
            code="vertex",
            name="Google Vertex AI",
            description="Gemini and Claude models on GCP Vertex AI, with a service-account key",
            auth_type="service_account",
            auth_fields=(
                AuthField(
                    "service_account_json",
                    "Service account key (JSON)",
                    "textarea",
                    placeholder='{"type": "service_account", ...}',
                ),
                AuthField("project_id", "Project ID", "text", required=False, secret=False),
                AuthField("region", "Region", "text", placeholder="us-east5", secret=False),
            ),
            models=(
                ModelInfo("gemini-2.5-pro", "Gemini 2.5 Pro", "", 1048576, 65536, True),
                ModelInfo("gemini-2.5-flash", "Gemini 2.5 Flash", "", 1048576, 65536, True),
                ModelInfo(
                    "claude-sonnet-4-5@20250929", "Claude Sonnet 4.5 (Vertex)", "", 200000, 64000, True
                ),
                ModelInfo("claude-opus-4-5@20251101", "Claude Opus 4.5 (Vertex)", "", 200000, 64000, True),
            ),
            default_model="gemini-2.5-flash",
            hint_field="service_account_json",
        ),
    )
}


def provider_get(code: str) -> Provider | None:
    return PROVIDERS.get((code or "").strip().lower())
