"""SOC analytics (threats over time, response-time percentiles, top threat types) and honeypot
attacker statistics: the pages, and the JSON their charts fetch."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.ingest.services import events_ingest
from incidents.threats.models import Threat
from tests.web.conftest import browser_for

pytestmark = pytest.mark.django_db


def threat(organization, *, kind="brute_force_attack", detected_ago=timedelta(hours=1), response_s=None):
    detected = timezone.now() - detected_ago
    return Threat.objects.create(
        organization=organization,
        human_id=f"THR-2026-{uuid.uuid4().int % 10**6:06d}",
        threat_type=kind,
        title=kind,
        severity="high",
        confidence=0.9,
        source_ip="198.51.100.9",
        detector="correlation",
        dedupe_key=uuid.uuid4().hex,
        first_seen_at=detected,
        last_seen_at=detected,
        detected_at=detected,
        status="mitigated" if response_s is not None else "active",
        mitigated_at=detected + timedelta(seconds=response_s) if response_s is not None else None,
    )


def test_analytics_data_counts_per_day_percentiles_and_top_types(browser_a, org_a, org_b):
    for seconds in (60, 120, 180, 240, 600):
        threat(org_a, response_s=seconds)
    threat(org_a, kind="port_scan", detected_ago=timedelta(days=2))
    threat(org_b, kind="sql_injection")  # another organization's: never counted
    data = browser_a.get("/soc/analytics/data?days=7").json()

    points = data["threats_over_time"]["points"]
    assert len(points) == 7
    assert sum(p["value"] for p in points) == 6
    today = timezone.now().date().isoformat()
    assert points[-1]["date"] == today  # 1 h ago may fall on yesterday just after midnight
    assert data["threats_over_time"]["unit"] == "threats"

    response = data["response_time"]
    assert response["count"] == 5
    assert response["unit"] == "seconds"
    assert response["p50"] == 180
    assert response["p95"] == pytest.approx(528)  # linear interpolation between 240 and 600
    assert response["max"] == 600
    assert response["avg"] == 240

    assert data["top_threat_types"]["rows"] == [
        {"type": "brute_force_attack", "count": 5},
        {"type": "port_scan", "count": 1},
    ]


def test_analytics_page_shows_the_figures_and_loads_its_charts_from_the_endpoint(browser_a, org_a):
    threat(org_a, response_s=90)
    response = browser_a.get("/soc/analytics?days=7")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-source="/soc/analytics/data?days=7"' in html
    for chart in ("threats_over_time", "response_time", "top_threat_types"):
        assert f'data-soc-chart="{chart}"' in html
    assert 'data-testid="p50">90.0' in html
    assert "/static/web/soc-charts.js" in html
    assert "<script>" not in html  # the CSP allows no inline script


def test_analytics_empty_states_say_what_to_do(browser_a):
    html = browser_a.get("/soc/analytics").content.decode()
    assert "No threat was mitigated in this window" in html
    assert "run an attack simulation" in html
    assert 'data-soc-chart="response_time"' not in html


def test_analytics_refuses_an_unknown_window(browser_a):
    assert browser_a.get("/soc/analytics/data?days=13").status_code == 400
    response = browser_a.get("/soc/analytics?days=soon")
    assert response.status_code == 400
    assert "Choose one of the listed windows" in response.content.decode()


def cowrie(organization, src_ip: str, *, session: str, password: str):
    now = timezone.now().isoformat().replace("+00:00", "Z")
    base = {"session": session, "src_ip": src_ip, "sensor": "honeypot-01", "timestamp": now}
    events_ingest(
        organization=organization,
        items=[
            {**base, "eventid": "cowrie.session.connect", "message": "New connection"},
            {
                **base,
                "eventid": "cowrie.login.failed",
                "username": "root",
                "password": password,
                "message": "login attempt failed",
            },
            {**base, "eventid": "cowrie.command.input", "input": "uname -a", "message": "CMD: uname -a"},
        ],
        default_source="cowrie",
        endpoint="test",
    )


def test_honeypot_page_and_data_show_attackers_of_this_organization_only(browser_a, org_a, org_b):
    cowrie(org_a, "203.0.113.45", session="s1", password="123456")
    cowrie(org_a, "203.0.113.45", session="s2", password="admin")
    cowrie(org_b, "192.0.2.99", session="s3", password="secret-of-b")
    html = browser_a.get("/soc/honeypot").content.decode()
    assert 'data-testid="honeypot-events">6' in html
    assert "203.0.113.45" in html
    assert "123456" in html
    assert "uname -a" in html
    assert "192.0.2.99" not in html
    assert "secret-of-b" not in html
    assert 'data-soc-chart="sessions_over_time"' in html
    data = browser_a.get("/soc/honeypot/data?days=1").json()
    assert data["totals"]["sessions"] == 2
    assert data["top_source_ips"] == [{"value": "203.0.113.45", "count": 6}]
    assert sum(row["sessions"] for row in data["sessions_over_time"]) == 2


def test_honeypot_empty_state_explains_how_to_connect_a_sensor(browser_a):
    html = browser_a.get("/soc/honeypot").content.decode()
    assert "No honeypot event in the last 7 days" in html
    assert "/soc/ingest" in html


@pytest.mark.parametrize(
    "path",
    [
        "/soc/playbooks",
        "/soc/triggers",
        "/soc/triggers/new",
        "/soc/simulations",
        "/soc/analytics",
        "/soc/honeypot",
    ],
)
def test_new_soc_pages_render_inside_the_shell_and_need_a_session(path, admin_a, client):
    html = browser_for(admin_a).get(path).content.decode()
    assert 'aria-label="Main"' in html
    assert 'aria-current="page"' in html
    assert "<script>" not in html
    assert "onclick=" not in html
    assert client.get(path).status_code == 302
