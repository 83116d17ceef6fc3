"""Creators of incidents resources for the quality gates (cross-tenant probe, query budgets, fuzzer)."""

import itertools

from incidents.detection.rules import exception_create, rule_create
from incidents.detection.services import batch_detect
from incidents.ingest.services import events_ingest, sensor_create
from incidents.intel.models import Indicator
from incidents.models import Incident, Threat
from incidents.simulation.services import simulation_start
from tests.quality.resources import Tenant, resource

_serial = itertools.count(1)

RULE = """title: Quality probe rule {n}
id: 5e1f0000-0000-4000-8000-{n:012d}
status: test
level: low
logsource:
  category: webserver
detection:
  selection:
    path|endswith: '/quality-probe-{n}'
  condition: selection
tags:
  - attack.t1595.003
"""


@resource("/api/v1/sensors/{id}")
def sensor(tenant: Tenant) -> dict:
    created, _secret = sensor_create(
        organization=tenant.organization,
        name=f"probe-{next(_serial)}",
        kind="cowrie",
        actor=tenant.admin.user,
    )
    return {"id": created.pk}


@resource("/api/v1/ingest/batches/{id}")
def ingest_batch(tenant: Tenant) -> dict:
    result = events_ingest(
        organization=tenant.organization,
        items=['192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"'],
        default_source="web",
        endpoint="ingest/multi",
        synthetic=True,  # the budget also lists with ?synthetic=true
    )
    return {"id": result.batch.pk}


@resource("/api/v1/threats/{threat_id}")
def threat(tenant: Tenant) -> dict:
    n = next(_serial)
    line = (
        f'198.51.{n // 250 % 250}.{n % 250 + 1} - - [22/Nov/2026:10:01:00 +0000] "GET /?id=1%27%20UNION%20SELECT%20{n}-- '
        'HTTP/1.1" 200 1 "-" "-"'
    )
    # Synthetic, so the budget's ?synthetic=true variant lists them too.
    result = events_ingest(
        organization=tenant.organization,
        items=[line],
        default_source="web",
        endpoint="ingest/multi",
        synthetic=True,
    )
    batch_detect(organization_id=tenant.organization.pk, batch_id=result.batch.pk)
    created = (
        Threat.objects.for_organization(tenant.organization).filter(events__batch_id=result.batch.pk).first()
    )
    return {"threat_id": created.human_id}


@resource("/api/v1/detection/rules/{id}")
def detection_rule(tenant: Tenant) -> dict:
    rule = rule_create(
        organization=tenant.organization, yaml=RULE.format(n=next(_serial)), actor=tenant.admin.user
    )
    return {"id": rule.pk}


@resource("/api/v1/detection/exceptions/{id}")
def rule_exception(tenant: Tenant) -> dict:
    rule = rule_create(
        organization=tenant.organization, yaml=RULE.format(n=next(_serial)), actor=tenant.admin.user
    )
    exception = exception_create(rule=rule, user="quality-probe", actor=tenant.admin.user)
    return {"id": exception.pk}


@resource("/api/v1/intelligence/indicators/{id}")
def indicator(tenant: Tenant) -> dict:
    created = Indicator.objects.create(
        organization=tenant.organization, type="domain", value=f"probe-{next(_serial)}.example", confidence=50
    )
    return {"id": created.pk}


def _incident(tenant: Tenant) -> str:
    n = next(_serial)
    ip = f"203.0.{n // 250 % 250}.{n % 250 + 1}"
    line = f'{ip} - - [22/Nov/2026:10:01:00 +0000] "GET /?id=1%27%20UNION%20SELECT%20{n}-- HTTP/1.1" 200 1 "-" "-"'
    result = events_ingest(
        organization=tenant.organization, items=[line], default_source="web", endpoint="ingest/multi"
    )
    batch_detect(organization_id=tenant.organization.pk, batch_id=result.batch.pk)
    return Incident.objects.for_organization(tenant.organization).get(source_ip=ip).human_id


@resource("/api/v1/incidents/{id}")
def incident(tenant: Tenant) -> dict:
    return {"id": _incident(tenant)}


@resource("/api/v1/incidents/real/{id}")
def real_incident(tenant: Tenant) -> dict:
    """Populates GET incidents/real (no operation lives under this template)."""
    return {"id": _incident(tenant)}


@resource("/api/v1/simulate-attack/{id}")
def simulation(tenant: Tenant) -> dict:
    created = simulation_start(
        organization=tenant.organization,
        attack_type="sql_injection",
        target="quality-probe",
        intensity="low",
        actor=tenant.admin.user,
    )
    return {"id": created.human_id}
