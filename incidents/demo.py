"""Demo data for the demo organization: a honeypot sensor, the real Cowrie capture run through ingest
and detection, a few web and auth.log lines, one threat-intelligence indicator, and the riskiest
incident under investigation (assigned, commented, analysed). Idempotent."""

import json
from pathlib import Path

from incidents.detection.services import batch_detect
from incidents.ingest.models import Sensor
from incidents.ingest.services import events_ingest, sensor_create
from incidents.intel.models import Indicator

DATA = Path(__file__).resolve().parent / "data"
DEMO_SENSOR = "demo-honeypot"
WEB_LINES = [
    '198.51.100.40 - - [22/Nov/2026:10:01:00 +0000] "GET /products.php?id=1%27%20UNION%20SELECT%20username,password'
    '%20FROM%20users-- HTTP/1.1" 200 812 "-" "sqlmap/1.7.2"',
    '198.51.100.42 - - [22/Nov/2026:10:01:10 +0000] "GET /download?file=../../../../etc/passwd HTTP/1.1" 400 150 "-" '
    '"curl/8.5.0"',
    '192.0.2.80 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5120 "-" "Mozilla/5.0"',
]


def load(*, organization, admin) -> None:
    if Sensor.objects.for_organization(organization).filter(name=DEMO_SENSOR).exists():
        return
    sensor, _secret = sensor_create(
        organization=organization,
        name=DEMO_SENSOR,
        kind="cowrie",
        description="Demo Cowrie sensor",
        actor=admin,
    )
    Indicator.objects.get_or_create(
        organization=organization,
        type="ip",
        value="203.0.113.198",
        defaults={"source": "demo feed", "confidence": 85, "description": "Mirai-style telnet scanner"},
    )
    events = [json.loads(line) for line in (DATA / "demo-cowrie.jsonl").read_text().splitlines() if line]
    batches = [
        events_ingest(
            organization=organization, items=events, default_source="cowrie", sensor=sensor, endpoint="demo"
        ),
        events_ingest(organization=organization, items=WEB_LINES, default_source="web", endpoint="demo"),
    ]
    for result in batches:
        # Run now (the enqueued task finds the batch done and leaves it): the demo is ready when this returns.
        batch_detect(organization_id=organization.pk, batch_id=result.batch.pk)
    _workspace(organization=organization, admin=admin)


def _workspace(*, organization, admin) -> None:
    """The riskiest incident is being investigated by the admin, with a note and an AI analysis."""
    from incidents.threats.models import Incident
    from incidents.workspace.analysis import incident_ai_analysis
    from incidents.workspace.services import incident_assign, incident_comment_add, incident_status_change

    incident = Incident.objects.for_organization(organization).order_by("-risk_score", "human_id").first()
    if incident is None:
        return
    incident_status_change(
        incident=incident, status="investigating", actor=admin, note="Demo: triage started"
    )
    incident_assign(incident=incident, assignee_id=admin.pk, actor=admin)
    incident_comment_add(
        incident=incident, body="Honeypot session with a malware download; block the source.", actor=admin
    )
    incident_ai_analysis(incident=incident, user=admin)
