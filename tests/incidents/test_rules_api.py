"""Custom Sigma rules CRUD (validated on save), built-in switches, backtests, scoped exceptions."""

import pytest

from incidents.models import DetectionRule, Event, RuleException, Threat
from tests.conftest import client_for
from tests.incidents.conftest import fixture_lines

pytestmark = pytest.mark.django_db

RULES = "/api/v1/detection/rules"
CUSTOM = """title: Requests for .env files
id: 0a5e3c1e-1111-4c3a-9e21-6d7f7c2a9001
name: dotenv_probe
status: experimental
level: medium
threat_type: secrets_probe
logsource:
  category: webserver
detection:
  env:
    path|endswith: '/.env'
  git:
    path|contains: '/.git/'
  condition: 1 of them
tags:
  - attack.t1595.003
"""
DOTENV = '198.51.100.90 - - [22/Nov/2026:10:05:00 +0000] "GET /.env HTTP/1.1" 404 10 "-" "-"'


def create(client, text=CUSTOM, **extra):
    return client.post(RULES, {"yaml": text, **extra}, format="json")


class TestCrud:
    def test_lists_built_in_rules_with_counters(self, client_a):
        body = client_a.get(f"{RULES}?origin=builtin&page_size=100").json()
        titles = {r["title"] for r in body["data"]}
        assert "SSH/Telnet brute force" in titles
        assert "SQL injection attempt" in titles
        assert all(
            {"hits", "threats_confirmed", "false_positives", "precision"} <= set(r) for r in body["data"]
        )

    def test_a_custom_rule_is_validated_saved_and_used(self, client_a, org_a):
        response = create(client_a)
        assert response.status_code == 201, response.content
        rule = response.json()["data"]
        assert (rule["origin"], rule["level"], rule["mitre_techniques"]) == (
            "custom",
            "medium",
            ["T1595.003"],
        )
        verdict = client_a.post("/api/v1/detect", {"log_entry": DOTENV}, format="json").json()["data"]
        assert verdict["threat_type"] == "secrets_probe"
        assert DetectionRule.objects.for_organization(org_a).get(pk=rule["id"]).hits == 1

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            (CUSTOM.replace("path|endswith", "path|nosuchmodifier"), "nosuchmodifier"),
            (CUSTOM.replace("1 of them", "env and nothing"), "nothing"),
            (CUSTOM.replace("attack.t1595.003", "attack.t1999"), "T1999"),
            ("title: [unclosed", "YAML"),
            (CUSTOM + "---\n" + CUSTOM.replace("9001", "9002"), "one Sigma document"),
        ],
    )
    def test_invalid_rules_are_refused_with_clear_errors(self, client_a, org_a, text, fragment):
        before = DetectionRule.objects.for_organization(org_a).count()
        response = create(client_a, text)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert fragment.lower() in (error["message"] + str(error["details"])).lower()
        assert DetectionRule.objects.for_organization(org_a).count() == before

    def test_a_correlation_must_refer_to_existing_rules(self, client_a):
        text = (
            "title: env burst\nid: 0a5e3c1e-1111-4c3a-9e21-6d7f7c2a9003\nstatus: test\nlevel: high\n"
            "correlation: {type: event_count, rules: [dotenv_probe], group-by: [src_ip], timespan: 1m, "
            "condition: {gte: 3}}\ntags: [attack.t1595.003]\n"
        )
        assert create(client_a, text).status_code == 400
        assert create(client_a).status_code == 201
        assert create(client_a, text).status_code == 201

    def test_duplicate_ids_conflict(self, client_a):
        assert create(client_a).status_code == 201
        assert create(client_a).status_code == 409

    def test_update_revalidates_and_disable_stops_matching(self, client_a, org_a):
        rule_id = create(client_a).json()["data"]["id"]
        bad = client_a.patch(f"{RULES}/{rule_id}", {"yaml": "title: x"}, format="json")
        assert bad.status_code == 400
        assert (
            DetectionRule.objects.for_organization(org_a).get(pk=rule_id).title == "Requests for .env files"
        )
        assert client_a.patch(f"{RULES}/{rule_id}", {"enabled": False}, format="json").status_code == 200
        verdict = client_a.post("/api/v1/detect", {"log_entry": DOTENV}, format="json").json()["data"]
        assert verdict["threat_detected"] is False

    def test_built_in_rules_can_be_switched_off_but_not_edited_or_deleted(self, client_a, org_a):
        rule = client_a.get(f"{RULES}?search=SQL injection").json()["data"][0]
        assert client_a.patch(f"{RULES}/{rule['id']}", {"yaml": CUSTOM}, format="json").status_code == 403
        assert client_a.delete(f"{RULES}/{rule['id']}").status_code == 403
        assert client_a.patch(f"{RULES}/{rule['id']}", {"enabled": False}, format="json").status_code == 200
        sqli = '198.51.100.40 - - [22/Nov/2026:10:01:00 +0000] "GET /?id=1%27%20UNION%20SELECT%201-- HTTP/1.1" 200 1'
        assert (
            client_a.post("/api/v1/detect", {"log_entry": sqli}, format="json").json()["data"][
                "threat_detected"
            ]
            is False
        )

    def test_delete_a_custom_rule(self, client_a, org_a):
        rule_id = create(client_a).json()["data"]["id"]
        assert client_a.delete(f"{RULES}/{rule_id}").status_code == 204
        assert not DetectionRule.objects.for_organization(org_a).filter(pk=rule_id).exists()

    def test_another_organizations_rule_is_a_404(self, client_a, client_b):
        rule_id = create(client_a).json()["data"]["id"]
        assert client_b.get(f"{RULES}/{rule_id}").status_code == 404
        assert client_b.patch(f"{RULES}/{rule_id}", {"enabled": False}, format="json").status_code == 404
        assert client_b.delete(f"{RULES}/{rule_id}").status_code == 404
        assert client_b.post(f"{RULES}/{rule_id}/backtest", {}, format="json").status_code == 404

    def test_viewers_read_but_may_not_write(self, client_a, viewer_client, org_a):
        rule_id = create(client_a).json()["data"]["id"]
        assert viewer_client.get(f"{RULES}/{rule_id}").status_code == 200
        assert create(viewer_client, CUSTOM.replace("9001", "9009")).status_code == 403
        assert viewer_client.patch(f"{RULES}/{rule_id}", {"enabled": False}, format="json").status_code == 403
        assert viewer_client.delete(f"{RULES}/{rule_id}").status_code == 403
        assert DetectionRule.objects.for_organization(org_a).get(pk=rule_id).enabled


@pytest.fixture
def web_history(sensor_a, run_detection):
    run_detection(
        lambda: sensor_a.post(
            "/api/v1/ingest/multi", {"source_type": "web", "events": fixture_lines("access.log")}
        )
    )


class TestBacktest:
    def test_a_saved_rule_replays_over_stored_events(self, client_a, web_history):
        rule = client_a.get(f"{RULES}?search=Path traversal").json()["data"][0]
        body = {"from_date": "2026-11-22T00:00:00Z", "to_date": "2026-11-23T00:00:00Z"}
        data = client_a.post(f"{RULES}/{rule['id']}/backtest", body, format="json").json()["data"]
        assert data["events_scanned"] == 8
        assert data["hits"] == 2  # ../ and /etc/shadow
        assert data["selections"] == {"selection": 2}
        assert data["incidents_would_open"] == 2

    def test_an_unsaved_rule_is_backtested_without_being_saved(self, client_a, org_a, web_history):
        body = {"yaml": CUSTOM.replace("/.env", "/wp-login.php"), "from_date": "2026-11-22T00:00:00Z"}
        data = client_a.post(f"{RULES}/backtest", body, format="json").json()["data"]
        assert (data["hits"], data["selections"], data["sources"]) == (1, {"env": 1}, 1)
        assert not DetectionRule.objects.for_organization(org_a).filter(origin="custom").exists()

    def test_an_invalid_unsaved_rule_is_a_validation_error(self, client_a):
        response = client_a.post(f"{RULES}/backtest", {"yaml": "title: x"}, format="json")
        assert response.status_code == 400


class TestExceptions:
    def test_preview_then_save_suppresses_that_scope_only(self, client_a, org_a, run_detection, sensor_a):
        lines = [
            f"Nov 22 08:20:{n:02d} web01 sshd[4{n:03d}]: Failed password for root from 198.51.100.7 port {50000 + n} ssh2"
            for n in range(12)
        ]
        run_detection(lambda: sensor_a.post("/api/v1/ingest/multi", {"source_type": "sshd", "events": lines}))
        rule = DetectionRule.objects.for_organization(org_a).get(name="ssh_brute_force")
        preview = client_a.post(
            f"{RULES}/{rule.pk}/exceptions/preview", {"source_cidr": "198.51.100.0/24"}, format="json"
        )
        assert preview.json()["data"]["would_suppress_threats"] == 1
        assert preview.json()["data"]["summary"] == "would have suppressed 1 threat(s) in the last 7 days"
        other = client_a.post(
            f"{RULES}/{rule.pk}/exceptions/preview", {"source_cidr": "10.0.0.0/8"}, format="json"
        )
        assert other.json()["data"]["would_suppress_threats"] == 0
        assert not RuleException.objects.for_organization(org_a).exists()  # a preview saves nothing
        saved = client_a.post(
            f"{RULES}/{rule.pk}/exceptions",
            {"source_cidr": "198.51.100.0/24", "reason": "scanner"},
            format="json",
        )
        assert saved.status_code == 201
        Threat.objects.for_organization(org_a).update(status="mitigated")
        again = [line.replace("08:20", "08:50") for line in lines]
        run_detection(lambda: sensor_a.post("/api/v1/ingest/multi", {"source_type": "sshd", "events": again}))
        assert Threat.objects.for_organization(org_a).count() == 1  # the new burst was suppressed
        assert RuleException.objects.for_organization(org_a).get().suppressed > 0
        other_source = [
            line.replace("198.51.100.7", "203.0.113.9").replace("08:20", "09:10") for line in lines
        ]
        run_detection(
            lambda: sensor_a.post("/api/v1/ingest/multi", {"source_type": "sshd", "events": other_source})
        )
        assert Threat.objects.for_organization(org_a).filter(source_ip="203.0.113.9").count() == 1

    @pytest.mark.parametrize(
        "body", [{}, {"source_cidr": "not-an-ip"}, {"user": "x", "expires_at": "2000-01-01T00:00:00Z"}]
    )
    def test_bad_exceptions_are_refused(self, client_a, org_a, body):
        rule = client_a.get(f"{RULES}?search=SQL injection").json()["data"][0]
        response = client_a.post(f"{RULES}/{rule['id']}/exceptions", body, format="json")
        assert response.status_code == 400
        assert not RuleException.objects.for_organization(org_a).exists()

    def test_exceptions_are_tenant_scoped_and_viewers_may_not_add(self, client_a, client_b, viewer_a):
        rule = client_a.get(f"{RULES}?search=SQL injection").json()["data"][0]
        exception = client_a.post(
            f"{RULES}/{rule['id']}/exceptions", {"user": "scanner"}, format="json"
        ).json()["data"]
        assert client_b.get(f"/api/v1/detection/exceptions/{exception['id']}").status_code == 404
        assert client_b.delete(f"/api/v1/detection/exceptions/{exception['id']}").status_code == 404
        viewer = client_for(viewer_a)
        assert (
            viewer.post(f"{RULES}/{rule['id']}/exceptions", {"user": "x"}, format="json").status_code == 403
        )
        assert client_a.delete(f"/api/v1/detection/exceptions/{exception['id']}").status_code == 204


def test_events_are_not_leaked_by_backtests_across_tenants(client_b, web_history, org_a):
    data = client_b.post(
        f"{RULES}/backtest", {"yaml": CUSTOM, "from_date": "2026-11-01T00:00:00Z"}, format="json"
    )
    assert data.json()["data"]["events_scanned"] == 0
    assert Event.objects.for_organization(org_a).count() == 8
