"""Creators for the quality gates: ml/*, and the cluster view's namespaced cache (config.distributed).

tests/quality/resources.py discovers `tests/*/quality_resources.py`; this nested module is
imported by tests/incidents/quality_resources.py's discovery once it recurses (see the report).
"""

import itertools

from config.distributed.services import cache_set
from incidents.ml.features import TRIAGE_FEATURES
from incidents.ml.models import ABTest
from incidents.ml.services.versions import version_store
from tests.incidents.ml.data import make_incident
from tests.quality.resources import Tenant, resource

_serial = itertools.count(1)


def _triage_version(tenant: Tenant, promote: bool):
    return version_store(
        organization=tenant.organization,
        kind="triage",
        source="retrain",
        algorithm="logistic_regression",
        feature_names=TRIAGE_FEATURES,
        artefact={
            "params": {"coef": [0.1] * len(TRIAGE_FEATURES), "intercept": 0.0, "samples": 10},
            "reference": [],
        },
        metrics={},
        baseline_metrics={},
        training_stats={},
        training_samples=10,
        holdout_samples=0,
        promote=promote,
        reason="quality probe",
    )


@resource("/api/v1/ml/ab-test/{test_id}")
def ab_test(tenant: Tenant) -> dict:
    a, b = _triage_version(tenant, True), _triage_version(tenant, False)
    test = ABTest.objects.create(
        organization=tenant.organization, name=f"probe {next(_serial)}", version_a=a, version_b=b
    )
    return {"test_id": test.pk}


@resource("/api/v1/ml/explain/{incident_id}")
def explain_incident(tenant: Tenant) -> dict:
    return {"incident_id": make_incident(tenant.organization).pk}


@resource("/api/v1/distributed/cache/{key}")
def cache_entry(tenant: Tenant) -> dict:
    key = f"probe-{next(_serial)}"
    cache_set(organization_id=tenant.organization.pk, key=key, value={"n": 1}, ttl=300)
    return {"key": key}
