"""POST detect, GET threats, GET threats/{id}, verdicts, the cost model; tenancy and roles."""

import pytest

from incidents.models import DetectionRule, Event, Incident, Threat
from organizations.models import AuditEvent

pytestmark = pytest.mark.django_db

DETECT = "/api/v1/detect"
SQLI = '198.51.100.40 - - [22/Nov/2026:10:01:00 +0000] "GET /p.php?id=1%27%20UNION%20SELECT%201,2-- HTTP/1.1" 200 81 "-" "-"'
BENIGN = '192.0.2.80 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5120 "-" "Mozilla/5.0"'


def detect(client, entry, **extra):
    return client.post(DETECT, {"log_entry": entry, **extra}, format="json")


class TestDetect:
    def test_a_sql_injection_line_gets_a_verdict_with_the_seed_fields(self, client_a, org_a):
        response = detect(client_a, SQLI, source="web")
        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert data["threat_detected"] is True
        assert data["threat_id"].startswith("THR-")
        assert data["threat_id"].endswith("-0001")
        assert (data["threat_type"], data["severity"], data["mitre_attack"]) == (
            "sql_injection",
            "high",
            ["T1190"],
        )
        assert data["confidence"] == 0.85
        assert "block_ip_at_waf" in data["recommended_actions"]
        # documented default cost model: high 250,000 x sql_injection 2.0 x confidence 0.85
        assert data["impact_usd"] == 425_000.0
        assert 0 < data["processing_time_ms"] < 10_000
        assert Threat.objects.for_organization(org_a).get().human_id == data["threat_id"]

    def test_a_benign_line_is_no_threat_with_a_confidence(self, client_a, org_a):
        data = detect(client_a, BENIGN).json()["data"]
        assert data["threat_detected"] is False
        assert data["threat_id"] is None
        assert data["confidence"] == 0.9
        assert data["source_type"] == "web"
        assert not Threat.objects.for_organization(org_a).exists()
        assert Event.objects.for_organization(org_a).count() == 1

    def test_attempts_in_metadata_count_towards_a_brute_force(self, client_a):
        data = detect(
            client_a,
            "Failed login attempt from 192.168.1.100",
            source="auth_server",
            metadata={"user": "admin", "attempts": 12},
        ).json()["data"]
        assert (data["threat_type"], data["mitre_attack"]) == ("brute_force_attack", ["T1110.001"])
        assert data["incident_id"].startswith("INC-")

    def test_repeated_entries_update_one_threat(self, client_a, org_a):
        first = detect(client_a, SQLI).json()["data"]
        second = detect(client_a, SQLI.replace("10:01:00", "10:02:00")).json()["data"]
        assert first["threat_id"] == second["threat_id"]
        assert Threat.objects.for_organization(org_a).get().event_count == 2

    @pytest.mark.parametrize(
        "body", [{}, {"log_entry": ""}, {"log_entry": 12}, {"log_entry": "x", "timestamp": "soon"}]
    )
    def test_bad_input_is_a_validation_error_and_stores_nothing(self, client_a, org_a, body):
        response = client_a.post(DETECT, body, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
        assert not Event.objects.for_organization(org_a).exists()

    def test_viewers_may_not_detect(self, viewer_client, org_a):
        assert detect(viewer_client, SQLI).status_code == 403
        assert not Event.objects.for_organization(org_a).exists()


class TestThreatList:
    @pytest.fixture
    def threats(self, client_a):
        detect(client_a, SQLI)
        detect(
            client_a,
            '198.51.100.41 - - [22/Nov/2026:10:01:05 +0000] "GET /s?q=%3Cscript%3E HTTP/1.1" 200 2 "-" "-"',
        )
        return client_a

    def test_lists_with_seed_fields_and_pagination(self, threats):
        response = threats.get("/api/v1/threats?page=1&limit=1")
        body = response.json()
        assert body["meta"]["pagination"] == {"page": 1, "page_size": 1, "total": 2, "pages": 2}
        row = body["data"][0]
        assert {
            "id",
            "threat_id",
            "type",
            "severity",
            "confidence",
            "status",
            "impact_usd",
            "detected_at",
            "mitigated_at",
        } <= set(row)

    def test_filters(self, threats):
        high = threats.get("/api/v1/threats?severity=high").json()["data"]
        assert [t["type"] for t in high] == ["sql_injection"]
        assert threats.get("/api/v1/threats?status=mitigated").json()["data"] == []
        assert len(threats.get("/api/v1/threats?from_date=2000-01-01T00:00:00Z").json()["data"]) == 2
        assert threats.get("/api/v1/threats?to_date=2000-01-01T00:00:00Z").json()["data"] == []
        assert threats.get("/api/v1/threats?severity=urgent").status_code == 400

    def test_detail_has_timeline_iocs_and_raw_log(self, threats):
        threat_id = threats.get("/api/v1/threats?severity=high").json()["data"][0]["threat_id"]
        data = threats.get(f"/api/v1/threats/{threat_id}").json()["data"]
        assert data["iocs"]["ips"] == ["198.51.100.40"]
        assert [e["event"] for e in data["timeline"]] == ["log_event", "threat_detected"]
        assert "UNION" in data["raw_log"]
        assert data["source_ip"] == "198.51.100.40"

    def test_another_organizations_threat_is_a_404(self, threats, client_b, org_b):
        threat_id = threats.get("/api/v1/threats").json()["data"][0]["threat_id"]
        assert client_b.get(f"/api/v1/threats/{threat_id}").status_code == 404
        assert client_b.get("/api/v1/threats").json()["data"] == []
        assert (
            client_b.post(
                f"/api/v1/threats/{threat_id}/verdict", {"verdict": "false_positive"}, format="json"
            ).status_code
            == 404
        )

    def test_viewers_read_but_may_not_judge(self, threats, viewer_client):
        threat_id = threats.get("/api/v1/threats").json()["data"][0]["threat_id"]
        assert viewer_client.get(f"/api/v1/threats/{threat_id}").status_code == 200
        response = viewer_client.post(
            f"/api/v1/threats/{threat_id}/verdict", {"verdict": "confirmed"}, format="json"
        )
        assert response.status_code == 403


class TestVerdicts:
    def test_verdicts_feed_the_rules_precision(self, client_a, org_a):
        detect(client_a, SQLI)
        detect(client_a, SQLI.replace("198.51.100.40", "198.51.100.50"))
        first, second = [t["threat_id"] for t in client_a.get("/api/v1/threats").json()["data"]]
        assert (
            client_a.post(
                f"/api/v1/threats/{first}/verdict", {"verdict": "confirmed"}, format="json"
            ).status_code
            == 200
        )
        client_a.post(f"/api/v1/threats/{second}/verdict", {"verdict": "false_positive"}, format="json")
        rule = DetectionRule.objects.for_organization(org_a).get(threat_type="sql_injection")
        assert (rule.hits, rule.threats_created, rule.threats_confirmed, rule.false_positives) == (2, 2, 1, 1)
        listed = client_a.get(f"/api/v1/detection/rules/{rule.pk}").json()["data"]
        assert listed["precision"] == 0.5
        mitigated = Threat.objects.for_organization(org_a).get(human_id=first)
        assert mitigated.status == "mitigated"
        assert mitigated.mitigated_at is not None
        assert AuditEvent.objects.for_organization(org_a).filter(action="threat.confirmed").exists()

    def test_an_unknown_verdict_changes_nothing(self, client_a, org_a):
        threat_id = detect(client_a, SQLI).json()["data"]["threat_id"]
        response = client_a.post(f"/api/v1/threats/{threat_id}/verdict", {"verdict": "maybe"}, format="json")
        assert response.status_code == 400
        assert Threat.objects.for_organization(org_a).get().status == "detected"


class TestIncidentsAndCostModel:
    def test_threats_of_one_source_share_an_incident_with_a_risk_score(self, client_a, org_a):
        detect(client_a, SQLI)
        detect(client_a, SQLI.replace("UNION%20SELECT%201,2--", "../../etc/passwd"))
        incident = Incident.objects.for_organization(org_a).get()
        assert incident.threat_count == 2
        assert incident.severity == "high"
        # high 60 + 5 for the second threat type + 10 x 0.85
        assert incident.risk_score == 74

    def test_the_cost_model_is_per_organization(self, client_a, client_b, viewer_client):
        response = client_a.patch(
            "/api/v1/detection/cost-model", {"severity_costs": {"high": 1000}}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["data"]["severity_costs"]["high"] == 1000
        assert detect(client_a, SQLI).json()["data"]["impact_usd"] == 1700.0
        assert detect(client_b, SQLI).json()["data"]["impact_usd"] == 425_000.0
        assert (
            viewer_client.patch(
                "/api/v1/detection/cost-model", {"severity_costs": {"high": 1}}, format="json"
            ).status_code
            == 403
        )
        bad = client_a.patch("/api/v1/detection/cost-model", {"severity_costs": {"urgent": 5}}, format="json")
        assert bad.status_code == 400


def test_detection_publishes_threat_and_incident_events(client_a, org_a, django_capture_on_commit_callbacks):
    from realtime.models import Event as RealtimeEvent

    with django_capture_on_commit_callbacks(execute=True):
        threat_id = detect(client_a, SQLI).json()["data"]["threat_id"]
    published = {e.event_type: e.payload for e in RealtimeEvent.objects.for_organization(org_a)}
    assert published["threat_detected"]["threat_id"] == threat_id
    assert published["threat_detected"]["mitre_attack"] == ["T1190"]
    assert published["incident_created"]["threat_id"] == threat_id
