"""Creators of metrics resources for the quality gates (tests/quality/resources.py)."""

import itertools

from metrics.models import Catalog
from metrics.services.catalogs import catalog_create
from metrics.services.metrics import metric_create
from tests.quality.resources import UNPROBED, VIEWER_ALLOWED, Tenant, resource

_serial = itertools.count(1)


def _active_catalog(tenant: Tenant) -> Catalog:
    active = Catalog.objects.for_organization(tenant.organization).filter(is_active=True).first()
    return active or catalog_create(
        organization=tenant.organization, owner=tenant.admin.user, name="Probe catalog"
    )


@resource("/api/v1/catalogs/{id}")
def catalog(tenant: Tenant) -> dict:
    _active_catalog(tenant)  # the new one stays inactive, so activate/delete have something to do
    created = catalog_create(
        organization=tenant.organization, owner=tenant.admin.user, name=f"Catalog {next(_serial)}"
    )
    return {"id": created.pk}


@resource("/api/v1/metrics/{id}")
def metric(tenant: Tenant) -> dict:
    created = metric_create(
        organization=tenant.organization,
        catalog=_active_catalog(tenant),
        user=tenant.admin.user,
        name=f"Probe metric {next(_serial)}",
        csf_category="PR.AA",
        current_value=50,
        target_value=90,
        priority="High",
        direction="higher_is_better",
    )
    return {"id": created.pk}


UNPROBED.update(
    {
        "GET /api/v1/frameworks/{framework_id}": "NIST reference data, the same for every organization",
        "GET /api/v1/frameworks/{framework_id}/functions": "NIST reference data, the same for every organization",
        "GET /api/v1/frameworks/{framework_id}/functions/{function_code}/categories": "NIST reference data",
        "GET /api/v1/scores/functions/{function_code}": "a CSF function code (reference data); the scores are the caller's own",
    }
)
VIEWER_ALLOWED.update(
    {
        "POST /api/v1/csf/validate": "validates a function name against reference data; changes nothing",
        "POST /api/v1/ai/chat": "asks the assistant; changes nothing of the organization's",
        "POST /api/v1/ai/enhance": "suggests improvements; changes nothing of the organization's",
    }
)
