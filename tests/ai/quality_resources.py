"""Creators of ai resources for the quality gates (tests/quality/resources.py)."""

from ai.models import AIAction, AIChangeLogEntry
from ai.services import configuration_create
from tests.quality.resources import UNPROBED, Tenant, resource


@resource("/api/v1/ai-providers/configurations/{id}")
def configuration(tenant: Tenant) -> dict:
    created = configuration_create(
        organization=tenant.organization,
        user=tenant.admin.user,
        provider_code="anthropic",
        credentials={"api_key": "sk-ant-probe-0000000000000000abcdef"},
    )
    return {"id": created.pk}


UNPROBED.update(
    {
        "GET /api/v1/ai-providers/{provider_code}": "the provider registry is reference data, the same for everyone",
        "GET /api/v1/ai-providers/{provider_code}/models": "the provider registry is reference data",
    }
)


@resource("/api/v1/ai/changelog/{id}")
def changelog_entry(tenant: Tenant) -> dict:
    entry = AIChangeLogEntry.objects.create(
        organization=tenant.organization, user=tenant.admin.user, action=AIAction.values[0], prompt="probe"
    )
    return {"id": entry.pk}
