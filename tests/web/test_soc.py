"""SOC pages: the feed (and its WebSocket token), threats with filters, incidents with timeline."""

import pytest
from django.utils import timezone

from accounts.services.sessions import validate_access_token
from incidents.threats.models import Incident, Threat

pytestmark = pytest.mark.django_db


def make_incident(organization, number: int, *, severity: str = "high") -> Incident:
    now = timezone.now()
    incident = Incident.objects.create(
        organization=organization,
        human_id=f"INC-2026-{number:04d}",
        title=f"Brute force from 198.51.100.{number}",
        source_ip=f"198.51.100.{number}",
        severity=severity,
        risk_score=70,
        threat_count=1,
        first_seen_at=now,
        last_seen_at=now,
    )
    Threat.objects.create(
        organization=organization,
        human_id=f"THR-2026-{number:04d}",
        threat_type="brute_force_attack",
        title="SSH brute force",
        severity=severity,
        confidence=0.9,
        source_ip=f"198.51.100.{number}",
        mitre_techniques=["T1110.001"],
        detector="correlation",
        dedupe_key=f"k{number}",
        incident=incident,
        timeline=[{"timestamp": now.isoformat(), "event": "first_failed_login", "user": "root"}],
        first_seen_at=now,
        last_seen_at=now,
        detected_at=now,
    )
    return incident


def test_feed_lists_only_this_organizations_threats(browser_a, org_a, org_b):
    make_incident(org_a, 1)
    make_incident(org_b, 2)
    html = browser_a.get("/soc/feed").content.decode()
    assert 'data-threat="THR-2026-0001"' in html
    assert "THR-2026-0002" not in html
    assert 'data-feed-socket="/ws/threats"' in html


def test_feed_token_is_an_access_token_for_the_active_organization(browser_a, admin_a):
    response = browser_a.get("/soc/feed/token")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    user, membership = validate_access_token(response.json()["token"])
    assert user == admin_a.user
    assert membership.organization_id == admin_a.organization_id


def test_feed_token_needs_a_session(client):
    assert client.get("/soc/feed/token").status_code == 302


def test_threat_filters(browser_a, org_a):
    make_incident(org_a, 1, severity="high")
    make_incident(org_a, 2, severity="low")
    html = browser_a.get("/soc/threats?severity=low").content.decode()
    assert "THR-2026-0002" in html
    assert "THR-2026-0001" not in html
    assert browser_a.get("/soc/threats?from_date=yesterday").status_code == 400


def test_incident_page_shows_its_threats_and_timeline(browser_a, org_a):
    make_incident(org_a, 3)
    html = browser_a.get("/soc/incidents/INC-2026-0003").content.decode()
    assert "THR-2026-0003" in html
    assert "first_failed_login" in html
    assert "user: root" in html


def test_incident_list_filters_by_status(browser_a, org_a):
    make_incident(org_a, 4)
    assert "INC-2026-0004" in browser_a.get("/soc/incidents?status=open").content.decode()
    assert "INC-2026-0004" not in browser_a.get("/soc/incidents?status=resolved").content.decode()


def test_another_organizations_threat_and_incident_are_not_found(browser_a, org_b):
    make_incident(org_b, 5)
    assert browser_a.get("/soc/incidents/INC-2026-0005").status_code == 404
    assert browser_a.get("/soc/threats/THR-2026-0005").status_code == 404
