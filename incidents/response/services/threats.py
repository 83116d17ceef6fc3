"""What a finished playbook changes on its threat: mitigated, with the run on the threat's timeline."""

from __future__ import annotations

from django.utils import timezone

import realtime
from incidents.threats.models import Threat, ThreatStatus


def threat_mark_mitigated(*, threat: Threat, workflow) -> None:
    if threat.status in (ThreatStatus.MITIGATED, ThreatStatus.FALSE_POSITIVE):
        return
    now = timezone.now()
    threat.status = ThreatStatus.MITIGATED
    threat.mitigated_at = now
    threat.timeline = [
        *threat.timeline,
        {
            "timestamp": now.isoformat(),
            "event": "threat_mitigated",
            "agent": "executor",
            "playbook_id": workflow.human_id,
            "success_rate": workflow.actual_success,
        },
    ]
    threat.save(update_fields=["status", "mitigated_at", "timeline", "updated_at"])
    realtime.publish(
        threat.organization,
        "threat_mitigated",
        {"threat_id": threat.human_id, "severity": threat.severity, "timestamp": now.isoformat()},
    )
