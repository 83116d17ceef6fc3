"""Seed B's telemetry surface: honeypot stats, sources, telemetry status, auto-containment,
adaptive sensitivity, clear-database and the intelligence views."""

from datetime import UTC, datetime

import pytest

from incidents.intel.models import Indicator
from incidents.models import DetectionSettings, Event, Incident, IngestBatch, Threat
from incidents.threats.selectors import detection_settings
from organizations.models import AuditEvent
from tests.conftest import client_for
from tests.factories import OrganizationFactory
from tests.incidents.workspace_helpers import incident_from, ingest, sqli_line

pytestmark = pytest.mark.django_db


def cowrie(ip, eventid, **extra):
    return {
        "eventid": eventid,
        "src_ip": ip,
        "dst_ip": "192.0.2.10",
        "timestamp": datetime.now(UTC).isoformat(),
        **extra,
    }


class TestHoneypotAndSources:
    def test_attacker_stats(self, client_a, org_a):
        ingest(
            org_a,
            [
                cowrie("203.0.113.1", "cowrie.session.connect", session="a"),
                cowrie("203.0.113.1", "cowrie.login.failed", username="root", password="123456", session="a"),
                cowrie("203.0.113.1", "cowrie.login.failed", username="root", password="admin", session="a"),
                cowrie("203.0.113.2", "cowrie.session.connect", session="b"),
                cowrie(
                    "203.0.113.2", "cowrie.login.success", username="pi", password="raspberry", session="b"
                ),
                cowrie("203.0.113.2", "cowrie.command.input", input="uname -a", session="b"),
                cowrie(
                    "203.0.113.2",
                    "cowrie.session.file_download",
                    url="http://203.0.113.50/x.sh",
                    shasum="b" * 64,
                    session="b",
                ),
            ],
            "cowrie",
        )
        data = client_a.get("/api/v1/honeypot/attacker-stats").json()["data"]
        assert data["totals"]["sessions"] == 2
        assert data["totals"]["failed_logins"] == 2
        assert data["totals"]["successful_logins"] == 1
        assert (
            data["top_source_ips"][0] == {"value": "203.0.113.1", "count": 3}
            or data["top_source_ips"][0]["value"] == "203.0.113.2"
        )
        assert data["top_usernames"][0] == {"value": "root", "count": 2}
        assert {p["value"] for p in data["top_passwords"]} == {"123456", "admin", "raspberry"}
        assert data["top_commands"] == [{"value": "uname -a", "count": 1}]
        assert data["downloads"] == [{"url": "http://203.0.113.50/x.sh", "sha256": "b" * 64, "count": 1}]
        assert sum(b["sessions"] for b in data["sessions_over_time"]) == 2

    def test_sources_and_telemetry_status(self, client_a, org_a, sensor_a):
        ingest(org_a, [sqli_line("198.51.100.1"), sqli_line("198.51.100.2")], "web")
        sources = client_a.get("/api/v1/sources").json()["data"]
        web = next(s for s in sources if s["source_type"] == "web")
        assert web["events"] == 2
        assert web["last_seen_at"]
        assert any(s["name"] == "honeypot-01" and s["events"] == 0 for s in sources)
        status = client_a.get("/api/v1/telemetry/status").json()["data"]
        assert status["agents"]["total"] == 1
        assert status["incidents"]["total"] == 2
        assert status["incidents"]["open"] == 2
        assert status["events"]["last_24h"] == 2 or status["events"]["last_event_source"] == "web"


class TestSettings:
    def test_auto_contain_defaults_and_changes_by_an_admin_only(self, client_a, viewer_a, org_a):
        assert client_a.get("/api/v1/settings/auto_contain").json()["data"] == {
            "auto_contain": False,
            "min_severity": "high",
        }
        viewer = client_for(viewer_a)
        assert (
            viewer.post("/api/v1/settings/auto_contain", {"auto_contain": True}, format="json").status_code
            == 403
        )
        response = client_a.post(
            "/api/v1/settings/auto_contain", {"auto_contain": True, "min_severity": "critical"}, format="json"
        )
        assert response.json()["data"] == {"auto_contain": True, "min_severity": "critical"}
        settings = detection_settings(org_a)
        assert (settings.auto_contain, settings.auto_contain_min_severity) == (True, "critical")
        bad = client_a.post("/api/v1/settings/auto_contain", {"auto_contain": "maybe"}, format="json")
        assert bad.status_code == 400

    def test_sensitivity_really_changes_the_confidence_floor(self, client_a, org_a):
        # At low sensitivity only detections of confidence >= 0.8 raise threats: the XSS rule (0.8)
        # still does, the web-scanner-free 404 burst aside; an intel match at 60 does not.
        Indicator.objects.create(organization=org_a, type="ip", value="198.51.100.77", confidence=60)
        response = client_a.post("/api/v1/adaptive/sensitivity", {"sensitivity": "low"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["data"]["confidence_floor"] == 0.8
        assert response.json()["data"]["escalation_thresholds"] == [50, 70, 90]
        ingest(
            org_a, ['198.51.100.77 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"'], "web"
        )
        assert not Threat.objects.for_organization(org_a).exists()
        client_a.post("/api/v1/adaptive/sensitivity", {"sensitivity": "high"}, format="json")
        ingest(
            org_a, ['198.51.100.77 - - [22/Nov/2026:10:00:05 +0000] "GET /a HTTP/1.1" 200 1 "-" "-"'], "web"
        )
        assert Threat.objects.for_organization(org_a).filter(threat_type="threat_intel_match").count() == 1
        audit = AuditEvent.objects.for_organization(org_a).filter(action="detection.sensitivity_changed")
        assert [e.metadata["sensitivity"] for e in audit.order_by("created_at")] == ["low", "high"]
        assert (
            client_a.post(
                "/api/v1/adaptive/sensitivity", {"sensitivity": "extreme"}, format="json"
            ).status_code
            == 400
        )

    def test_sensitivity_moves_escalation_levels(self, client_a, org_a):
        incident = incident_from(org_a, "198.51.100.20")
        levels = {}
        for sensitivity in ("low", "high"):
            client_a.post("/api/v1/adaptive/sensitivity", {"sensitivity": sensitivity}, format="json")
            levels[sensitivity] = client_a.get("/api/v1/incidents").json()["data"][0]["escalation_level"]
        assert incident.risk_score == 69  # high 60 + round(10 x 0.85)
        assert (levels["low"], levels["high"]) == (1, 3)  # low: 50/70/90; high: 25/45/65

    def test_force_learning_measures_a_baseline(self, client_a, org_a, django_capture_on_commit_callbacks):
        incident_from(org_a, "198.51.100.30")
        with django_capture_on_commit_callbacks(execute=True):
            response = client_a.post("/api/v1/adaptive/force_learning")
        assert response.status_code == 202
        status = client_a.get("/api/v1/adaptive/status").json()["data"]
        assert status["learning_runs"] == 1
        assert status["last_learned_at"]
        assert status["baseline"]["threats_per_day"] == round(1 / 7, 3)
        assert status["baseline"]["recommended_sensitivity"] is None  # no verdicts yet


class TestClearDatabase:
    def test_clears_only_the_callers_organization(self, client_a, client_b, org_a, org_b):
        incident_from(org_a, "198.51.100.40")
        incident_from(org_b, "198.51.100.40")
        wrong = client_a.delete("/api/v1/admin/clear-database", {"confirm": "yes"}, format="json")
        assert wrong.status_code == 400
        assert Threat.objects.for_organization(org_a).count() == 1
        response = client_a.delete("/api/v1/admin/clear-database", {"confirm": org_a.slug}, format="json")
        assert response.status_code == 200, response.content
        deleted = response.json()["data"]["deleted"]
        assert (deleted["threats"], deleted["incidents"], deleted["events"], deleted["ingest_batches"]) == (
            1,
            1,
            1,
            1,
        )
        for model in (Threat, Incident, Event, IngestBatch):
            assert not model.objects.for_organization(org_a).exists()
            assert model.objects.for_organization(org_b).count() == 1
        assert (
            AuditEvent.objects.for_organization(org_a)
            .filter(action="organization.telemetry_cleared")
            .exists()
        )

    def test_only_admins(self, viewer_a, org_a):
        response = client_for(viewer_a).delete(
            "/api/v1/admin/clear-database", {"confirm": org_a.slug}, format="json"
        )
        assert response.status_code == 403


class TestIntelligence:
    def test_the_organizations_indicators_and_hits(self, client_a, org_a):
        Indicator.objects.create(organization=org_a, type="ip", value="198.51.100.88", confidence=90)
        Indicator.objects.create(organization=org_a, type="domain", value="quiet.example", confidence=50)
        ingest(
            org_a, ['198.51.100.88 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"'], "web"
        )
        data = client_a.get("/api/v1/intelligence/threats").json()["data"]
        assert data["summary"]["total"] == 2
        assert data["summary"]["with_hits"] == 1
        assert data["indicators"][0]["value"] == "198.51.100.88"
        assert data["indicators"][0]["threats"] == 1

    def test_distributed_threats_hide_indicators_seen_by_fewer_than_three(self, client_a, org_a, org_b):
        third, fourth = OrganizationFactory(), OrganizationFactory()
        for organization in (org_a, org_b, third):
            incident_from(organization, "203.0.113.99")  # seen by 3 organizations
        for organization in (org_a, org_b):
            incident_from(organization, "203.0.113.98")  # seen by 2 only
        for organization in (org_b, third, fourth):
            Indicator.objects.create(organization=organization, type="domain", value="evil.example")
        data = client_a.get("/api/v1/intelligence/distributed-threats").json()["data"]
        assert data["min_organizations"] == 3
        shared = {(i["type"], i["value"]): i for i in data["indicators"]}
        assert set(shared) == {("ip", "203.0.113.99"), ("domain", "evil.example")}
        assert shared[("ip", "203.0.113.99")]["organizations"] == 3
        assert shared[("ip", "203.0.113.99")]["seen_by_you"] is True
        assert shared[("domain", "evil.example")]["seen_by_you"] is False
        assert set(data["indicators"][0]) == {"type", "value", "organizations", "last_seen_at", "seen_by_you"}


def test_detection_settings_are_created_once(org_a):
    first = detection_settings(org_a)
    assert detection_settings(org_a).pk == first.pk
    assert DetectionSettings.objects.for_organization(org_a).count() == 1
    assert (first.auto_contain, first.auto_contain_min_severity, first.sensitivity) == (
        False,
        "high",
        "medium",
    )
