"""Reads of the ai domain."""

from __future__ import annotations

from typing import Any

from ai.models import AIChangeLogEntry, ProviderConfiguration
from ai.registry import LOCAL, provider_get
from ai.services import assistant_provider_for
from organizations.models import Organization


def configurations_of(*, organization: Organization, user_id) -> Any:
    return (
        ProviderConfiguration.objects.for_organization(organization)
        .filter(user_id=user_id)
        .order_by("-created_at")
    )


def changelog_of(*, organization: Organization) -> Any:
    return AIChangeLogEntry.objects.for_organization(organization).order_by("-created_at")


def provider_status(*, organization: Organization, user) -> dict[str, Any]:
    """What answers this user's AI requests, and whether it is the offline local provider."""
    provider = assistant_provider_for(organization=organization, user=user)
    registry = provider_get(provider.code)
    local = provider.code == LOCAL
    return {
        "available": True,
        "provider": provider.code,
        "provider_name": registry.name if registry else provider.code,
        "model": provider.model,
        "dev_mode": local,
        "is_local": local,
        "config_id": provider.configuration.pk if provider.configuration else None,
        "message": (
            "Using the built-in local assistant: offline, deterministic and rule-based (not a language model). "
            "Configure, validate and activate a provider to bring your own model."
            if local
            else f"Using your {registry.name if registry else provider.code} configuration ({provider.model})."
        ),
    }
