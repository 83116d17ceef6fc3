"""An exposed secret (the scans app's `secret_exposed` event) becomes an incident to respond to.

The scans app publishes the event; this app hears it through realtime's in-process
`event_published` signal (the two apps share a layer and never import each other) and runs
`response.secret_exposed`, which opens, through the incident core's public services, a threat
and its incident with a proposed rotate-credential playbook. That playbook needs approval (the
rotate_credential action does), so it waits at the approval gate with its links sent out.

Idempotent per finding: a SecretExposure row per (organization, finding_id) is claimed first, so
a redelivered task or a republished event opens nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.response.models import SecretExposure
from incidents.response.services.workflows import playbook_generate
from incidents.threats.services import Candidate, threats_upsert
from organizations.models import Organization

SEVERITIES = ("low", "medium", "high", "critical")
# MITRE ATT&CK: Unsecured Credentials: Credentials In Files.
TECHNIQUE = "T1552.001"


def _location(payload: dict[str, Any]) -> str:
    path = payload.get("file_path") or ""
    if path and payload.get("line_number"):
        path = f"{path}:{payload['line_number']}"
    project = payload.get("project_name") or ""
    return " ".join(part for part in (project, path) if part)[:500]


def secret_exposure_open(*, organization_id, payload: dict[str, Any]) -> SecretExposure | None:
    """The incident and rotate-credential playbook of one exposed secret, opened once per finding."""
    organization = Organization.objects.filter(pk=organization_id).first()
    finding_id = payload.get("finding_id")
    if organization is None or not finding_id:
        return None
    severity = str(payload.get("severity")) if payload.get("severity") in SEVERITIES else "high"
    with transaction.atomic():
        try:
            with transaction.atomic():
                exposure = SecretExposure.objects.create(
                    organization=organization,
                    finding_id=finding_id,
                    scan_id=payload.get("scan_id"),
                    rule_id=str(payload.get("rule_id", ""))[:100],
                    severity=severity,
                    file_path=str(payload.get("file_path") or "")[:500],
                    fingerprint=str(payload.get("fingerprint", ""))[:64],
                )
        except IntegrityError:
            return SecretExposure.objects.for_organization(organization).get(finding_id=finding_id)
        kind = payload.get("finding_type") or payload.get("rule_id") or "secret"
        where = _location(payload)
        now = timezone.now()
        candidate = Candidate(
            key=f"secret_exposed:{finding_id}",
            title=f"Exposed {kind} in {where or 'a scanned project'}",
            threat_type="secret_exposed",
            severity=severity,
            confidence=1.0,
            techniques=[TECHNIQUE],
            recommended_actions=[
                {  # type: ignore[list-item]  # a recommendation with its params (see playbook_steps_for_threat)
                    "action": "rotate_credential",
                    "params": {
                        "credential": str(kind)[:200],
                        "finding_id": str(finding_id),
                        "location": where,
                        "fingerprint": exposure.fingerprint,
                    },
                }
            ],
            detector="scans",
            source_ip=None,
            events=[],
            first_ts=now,
            last_ts=now,
        )
        created, updated = threats_upsert(
            organization=organization,
            candidates=[candidate],
            sensor_name=str(payload.get("project_name") or "code scan"),
        )
        threats = created or updated
        if not threats:  # below the organization's confidence floor: cannot happen at 1.0
            return exposure
        threat = threats[0]
        exposure.threat = threat
        exposure.incident = threat.incident
        exposure.workflow = playbook_generate(threat=threat)
        exposure.save(update_fields=["threat", "incident", "workflow", "updated_at"])
    return exposure
