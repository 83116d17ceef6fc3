"""Writes of the ai domain: provider configurations, validation, activation and the AI change log,
plus the one entry point other apps use to ask the user's provider for an answer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ai.clients import Completion, ProviderError, ProviderRejected, client_for
from ai.crypto import InvalidToken, credentials_decrypt, credentials_encrypt, credentials_mask
from ai.models import AIAction, AIChangeLogEntry, ProviderConfiguration
from ai.registry import LOCAL, LOCAL_MODEL, Provider, provider_get
from config.api.errors import ApplicationError, ErrorCode
from organizations.models import Organization

_REGION = re.compile(r"^[a-z]{2,}(-[a-z0-9]+){1,3}$")
_MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$")
_MAX_FIELD = {"service_account_json": 20000}


def _invalid(message: str, fields: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(ErrorCode.VALIDATION_ERROR, message, {"fields": fields})


def _provider_or_error(code: str) -> Provider:
    provider = provider_get(code)
    if provider is None:
        raise _invalid(
            f"Unknown provider {code!r}.", {"provider_code": ["Choose a provider from /ai-providers."]}
        )
    if provider.code == LOCAL:
        raise _invalid(
            "The local provider needs no configuration: it is used whenever no configuration is active.",
            {"provider_code": ["Choose a remote provider."]},
        )
    return provider


def _check_model(provider: Provider, model_id: str) -> str:
    model_id = (model_id or provider.default_model).strip()
    if provider.free_model_ids:
        if not _MODEL_ID.match(model_id):
            raise _invalid(
                "That deployment name is not valid.", {"model_id": ["Letters, digits and ._:/@- only."]}
            )
        return model_id
    if provider.model(model_id) is None:
        raise _invalid(
            f"{provider.name} has no model {model_id!r}.",
            {"model_id": [f"Choose one of: {', '.join(m.model_id for m in provider.models)}."]},
        )
    return model_id


def _check_azure_endpoint(value: str) -> str | None:
    parts = urlsplit(value)
    schemes = ("https", "http") if settings.AI_AZURE_ALLOW_HTTP else ("https",)
    host = (parts.hostname or "").lower()
    if parts.scheme not in schemes or not host or parts.username or parts.password or parts.query:
        return "Give the resource's https endpoint, e.g. https://my-resource.openai.azure.com."
    if not any(host.endswith(suffix) for suffix in settings.AI_AZURE_ENDPOINT_SUFFIXES):
        return (
            f"The endpoint must be an Azure OpenAI host ({', '.join(settings.AI_AZURE_ENDPOINT_SUFFIXES)})."
        )
    return None


def _check_service_account(value: str) -> str | None:
    try:
        account = json.loads(value)
    except ValueError:
        return "Paste the service-account key file as JSON."
    if not isinstance(account, dict) or not account.get("client_email") or not account.get("private_key"):
        return "The key file needs client_email and private_key."
    return None


def _clean_credentials(provider: Provider, credentials: Any) -> dict[str, str]:
    if not isinstance(credentials, dict):
        raise _invalid(
            "credentials must be an object.", {"credentials": ["Expected an object of auth fields."]}
        )
    errors: dict[str, list[str]] = {}
    allowed = {f.name for f in provider.auth_fields}
    for name in sorted(set(credentials) - allowed):
        errors[f"credentials.{name}"] = [
            f"{provider.name} takes no {name!r}; it takes {', '.join(sorted(allowed))}."
        ]
    cleaned: dict[str, str] = {}
    for auth_field in provider.auth_fields:
        value = credentials.get(auth_field.name)
        key = f"credentials.{auth_field.name}"
        if value is None or (isinstance(value, str) and not value.strip()):
            if auth_field.required:
                errors[key] = [f"{auth_field.label} is required."]
            continue
        if not isinstance(value, str):
            errors[key] = ["Must be a string."]
            continue
        value = value.strip()
        if len(value) > _MAX_FIELD.get(auth_field.name, 1000):
            errors[key] = ["Too long."]
            continue
        cleaned[auth_field.name] = value
    checks = {
        "endpoint": _check_azure_endpoint,
        "region": lambda v: None if _REGION.match(v) else "Give a region code such as us-east-1 or us-east5.",
        "service_account_json": _check_service_account,
    }
    for name, check in checks.items():
        if name in cleaned and (problem := check(cleaned[name])):
            errors[f"credentials.{name}"] = [problem]
    if errors:
        first = next(iter(errors.items()))
        raise _invalid(f"{first[0]}: {first[1][0]}", errors)
    return cleaned


def _hint(provider: Provider, credentials: dict[str, str]) -> str:
    value = credentials.get(provider.hint_field, "")
    if provider.hint_field == "service_account_json" and value:
        value = json.loads(value).get("client_email", "")
    return credentials_mask(value) if value else ""


def ai_change_record(
    *,
    organization: Organization,
    user,
    action: str,
    mode: str = "",
    prompt: str = "",
    result: dict[str, Any] | None = None,
    provider_code: str = "",
    model_id: str = "",
    source: str = "ai_assistant",
) -> AIChangeLogEntry:
    return AIChangeLogEntry.objects.create(
        organization=organization,
        user=user if isinstance(user, get_user_model()) else None,
        action=action,
        source=source,
        mode=mode,
        prompt=prompt[:10000],
        result=result or {},
        provider_code=provider_code,
        model_id=model_id,
    )


def _log_configuration(configuration: ProviderConfiguration, action: str, user, **result: Any) -> None:
    ai_change_record(
        organization=configuration.organization,
        user=user,
        action=action,
        source="ai_providers",
        result={"config_id": str(configuration.pk), **result},
        provider_code=configuration.provider_code,
        model_id=configuration.model_id,
    )


@transaction.atomic
def configuration_create(
    *, organization: Organization, user, provider_code: str, credentials: Any, model_id: str = ""
) -> ProviderConfiguration:
    provider = _provider_or_error(provider_code)
    model_id = _check_model(provider, model_id)
    cleaned = _clean_credentials(provider, credentials)
    configuration = ProviderConfiguration.objects.create(
        organization=organization,
        user=user,
        provider_code=provider.code,
        model_id=model_id,
        encrypted_credentials=credentials_encrypt(cleaned),
        credentials_hint=_hint(provider, cleaned),
    )
    _log_configuration(configuration, AIAction.PROVIDER_CONFIGURED, user, change="created")
    return configuration


@transaction.atomic
def configuration_update(
    *, configuration: ProviderConfiguration, user, model_id: str | None = None, credentials: Any = None
) -> ProviderConfiguration:
    """New credentials are merged over the stored ones (send only what changes); any change
    means the configuration must be validated (and activated) again."""
    provider = _provider_or_error(configuration.provider_code)
    changed = []
    if model_id is not None and model_id != configuration.model_id:
        configuration.model_id = _check_model(provider, model_id)
        changed.append("model_id")
    if credentials is not None:
        if not isinstance(credentials, dict):
            raise _invalid(
                "credentials must be an object.", {"credentials": ["Expected an object of auth fields."]}
            )
        merged = {**configuration_credentials(configuration), **credentials}
        cleaned = _clean_credentials(provider, {k: v for k, v in merged.items() if v not in (None, "")})
        configuration.encrypted_credentials = credentials_encrypt(cleaned)
        configuration.credentials_hint = _hint(provider, cleaned)
        changed.append("credentials")
    if changed:
        configuration.credentials_validated = False
        configuration.is_active = False
        configuration.last_validation_message = ""
        configuration.save()
        _log_configuration(
            configuration, AIAction.PROVIDER_CONFIGURED, user, change="updated", fields=changed
        )
    return configuration


@transaction.atomic
def configuration_delete(*, configuration: ProviderConfiguration, user) -> None:
    _log_configuration(configuration, AIAction.PROVIDER_CONFIGURED, user, change="deleted")
    configuration.delete()


def configuration_credentials(configuration: ProviderConfiguration) -> dict[str, Any]:
    try:
        return credentials_decrypt(configuration.encrypted_credentials)
    except InvalidToken:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "The stored credentials cannot be decrypted (the encryption key changed); enter them again.",
            {"config_id": str(configuration.pk)},
        ) from None


def configuration_validate(*, configuration: ProviderConfiguration, user) -> dict[str, Any]:
    """Calls the provider with the stored credentials. A refusal is an answer (`valid: false`);
    a provider that cannot answer is an AI_ERROR."""
    client = client_for(
        provider_code=configuration.provider_code,
        model=configuration.model_id,
        credentials=configuration_credentials(configuration),
    )
    now = timezone.now()
    try:
        message = client.validate()
        valid = True
    except ProviderRejected as exc:
        message, valid = exc.message, False
    except ProviderError as exc:
        _log_configuration(configuration, AIAction.PROVIDER_FAILED, user, error=exc.message)
        raise ApplicationError(
            ErrorCode.AI_ERROR, exc.message, {"provider": configuration.provider_code, "status": exc.status}
        ) from None
    configuration.credentials_validated = valid
    configuration.last_validated_at = now
    configuration.last_validation_message = message[:500]
    if not valid:
        configuration.is_active = False
    configuration.save()
    _log_configuration(configuration, AIAction.PROVIDER_VALIDATED, user, valid=valid, message=message)
    return {"valid": valid, "message": message, "validated_at": now, "config_id": configuration.pk}


@transaction.atomic
def configuration_activate(*, configuration: ProviderConfiguration, user) -> ProviderConfiguration:
    if not configuration.credentials_validated:
        raise _invalid(
            "Validate this configuration before activating it.",
            {"credentials_validated": ["The credentials have not been validated."]},
        )
    ProviderConfiguration.objects.for_organization(configuration.organization_id).filter(
        user_id=configuration.user_id, is_active=True
    ).exclude(pk=configuration.pk).update(is_active=False)
    configuration.is_active = True
    configuration.save(update_fields=["is_active", "updated_at"])
    _log_configuration(configuration, AIAction.PROVIDER_ACTIVATED, user)
    return configuration


@transaction.atomic
def configuration_deactivate(*, configuration: ProviderConfiguration, user) -> ProviderConfiguration:
    if configuration.is_active:
        configuration.is_active = False
        configuration.save(update_fields=["is_active", "updated_at"])
        _log_configuration(configuration, AIAction.PROVIDER_DEACTIVATED, user)
    return configuration


@dataclass(frozen=True)
class AssistantProvider:
    """Who answers a user's AI requests: their active configuration, or the local provider."""

    code: str
    model: str
    configuration: ProviderConfiguration | None = None

    @property
    def is_local(self) -> bool:
        return self.code == LOCAL


LOCAL_PROVIDER = AssistantProvider(code=LOCAL, model=LOCAL_MODEL)


def assistant_provider_for(*, organization: Organization, user) -> AssistantProvider:
    if not isinstance(user, get_user_model()):  # machines (API keys) get the local provider
        return LOCAL_PROVIDER
    configuration = (
        ProviderConfiguration.objects.for_organization(organization)
        .filter(user_id=user.pk, is_active=True, credentials_validated=True)
        .first()
    )
    if configuration is None:
        return LOCAL_PROVIDER
    return AssistantProvider(
        code=configuration.provider_code, model=configuration.model_id, configuration=configuration
    )


def assistant_complete(
    *, provider: AssistantProvider, system: str, prompt: str, max_tokens: int | None = None
) -> Completion:
    """One answer from a remote provider; failures become AI_ERROR (502) with a safe message."""
    if provider.configuration is None:
        raise ValueError("The local provider answers in-process; it has no remote completion.")
    client = client_for(
        provider_code=provider.code,
        model=provider.model,
        credentials=configuration_credentials(provider.configuration),
    )
    try:
        return client.complete(
            system=system, prompt=prompt, max_tokens=max_tokens or settings.AI_MAX_OUTPUT_TOKENS
        )
    except ProviderError as exc:
        raise ApplicationError(
            ErrorCode.AI_ERROR,
            f"The AI provider could not answer. {exc.message}",
            {"provider": provider.code, "model": provider.model, "status": exc.status},
        ) from None
