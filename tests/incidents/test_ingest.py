"""Sensors, device HMAC authentication and the ingest endpoints, fed with real data."""

import time

import pytest
from django.test import override_settings

from incidents.models import Event, Incident, IngestBatch, Sensor, Threat
from organizations.services import api_key_create
from tests.conftest import client_for
from tests.incidents.conftest import cowrie_events, fixture_lines

pytestmark = pytest.mark.django_db

COWRIE = "/api/v1/ingest/cowrie"
MULTI = "/api/v1/ingest/multi"


class TestDeviceHmac:
    def test_a_signed_cowrie_batch_is_stored_before_the_202(self, sensor_a, org_a):
        response = sensor_a.post(COWRIE, cowrie_events())
        assert response.status_code == 202, response.content
        data = response.json()["data"]
        assert (data["accepted"], data["rejected"], data["unparseable"]) == (82, 0, 0)
        assert data["detection"] == "queued"
        assert Event.objects.for_organization(org_a).count() == 82
        sensor = Sensor.objects.for_organization(org_a).get()
        assert sensor.events_received == 82
        assert sensor.last_seen_at is not None

    def test_a_replayed_nonce_is_refused(self, sensor_a, org_a):
        assert sensor_a.post(COWRIE, cowrie_events()[:1], nonce="nonce-once-0001").status_code == 202
        replay = sensor_a.post(COWRIE, cowrie_events()[:1], nonce="nonce-once-0001")
        assert replay.status_code == 401
        assert replay.json()["error"]["code"] == "UNAUTHORIZED"
        assert "replayed" in replay.json()["error"]["message"]
        assert Event.objects.for_organization(org_a).count() == 1
        assert Sensor.objects.for_organization(org_a).get().auth_failures == 1

    def test_a_stale_timestamp_is_refused(self, sensor_a, org_a):
        response = sensor_a.post(COWRIE, cowrie_events()[:1], ts=int(time.time()) - 301)
        assert response.status_code == 401
        assert "window" in response.json()["error"]["message"]
        assert not Event.objects.for_organization(org_a).exists()

    def test_a_bad_signature_is_refused(self, sensor_a, org_a):
        response = sensor_a.post(COWRIE, cowrie_events()[:1], secret="not-the-secret")
        assert response.status_code == 401
        assert "signature" in response.json()["error"]["message"]
        assert not Event.objects.for_organization(org_a).exists()

    def test_a_body_changed_after_signing_is_refused(self, sensor_a):
        body = b'[{"eventid":"cowrie.session.connect"}]'
        headers = sensor_a.headers("POST", COWRIE, body)
        response = sensor_a.post_raw(COWRIE, body.replace(b"connect", b"closed"), headers)
        assert response.status_code == 401

    def test_unknown_and_deactivated_devices_are_refused(self, sensor_a, org_a):
        Sensor.objects.for_organization(org_a).update(is_active=False)
        response = sensor_a.post(COWRIE, cowrie_events()[:1])
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "Unknown or inactive device."

    def test_a_nonce_of_a_refused_request_is_not_spent(self, sensor_a):
        assert (
            sensor_a.post(COWRIE, cowrie_events()[:1], nonce="nonce-kept-01", secret="wrong").status_code
            == 401
        )
        assert sensor_a.post(COWRIE, cowrie_events()[:1], nonce="nonce-kept-01").status_code == 202

    def test_cowrie_needs_a_device_signature(self, client_a):
        response = client_a.post(COWRIE, cowrie_events()[:1], format="json")
        assert response.status_code == 403


class TestBatches:
    @override_settings(INGEST_MAX_BATCH_EVENTS=50)
    def test_an_oversize_batch_is_413_and_stores_nothing(self, sensor_a, org_a):
        response = sensor_a.post(COWRIE, cowrie_events())
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
        assert response.json()["error"]["details"] == {"limit": 50, "received": 82}
        assert not Event.objects.for_organization(org_a).exists()

    @override_settings(INGEST_MAX_BATCH_BYTES=1000)
    def test_an_oversize_body_is_413(self, sensor_a, org_a):
        response = sensor_a.post(MULTI, {"source_type": "sshd", "events": fixture_lines("auth.log")})
        assert response.status_code == 413
        assert not Event.objects.for_organization(org_a).exists()

    def test_an_unparseable_line_is_kept_and_flagged(self, sensor_a, org_a):
        lines = fixture_lines("auth.log")
        response = sensor_a.post(MULTI, {"source_type": "sshd", "events": lines})
        data = response.json()["data"]
        assert response.status_code == 202
        assert data["accepted"] == len(lines)
        assert data["unparseable"] == 1
        assert data["errors"] == [{"index": len(lines) - 1, "error": "kept unparsed: not a syslog line"}]
        kept = Event.objects.for_organization(org_a).get(parsed=False)
        assert kept.raw == "this line is not syslog at all"
        assert kept.parse_error == "not a syslog line"

    def test_items_without_a_source_type_are_rejected_per_item(self, sensor_a, org_a):
        response = sensor_a.post(
            MULTI,
            {"events": [{"source_type": "web", "line": fixture_lines("access.log")[0]}, "a bare line", 42]},
        )
        data = response.json()["data"]
        assert (data["accepted"], data["rejected"]) == (1, 2)
        assert [e["index"] for e in data["errors"]] == [1, 2]
        assert Event.objects.for_organization(org_a).count() == 1

    def test_an_unknown_source_type_is_a_validation_error(self, sensor_a, org_a):
        response = sensor_a.post(MULTI, {"source_type": "windows-evtx", "events": ["x"]})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
        assert not IngestBatch.objects.for_organization(org_a).exists()

    def test_an_api_key_with_the_ingest_scope_may_send(self, org_a, admin_a, api_client):
        _key, raw = api_key_create(organization=org_a, name="shipper", scopes=["ingest"], actor=admin_a.user)
        api_client.credentials(HTTP_X_API_KEY=raw)
        response = api_client.post(
            MULTI, {"source_type": "web", "events": fixture_lines("access.log")}, format="json"
        )
        assert response.status_code == 202
        assert Event.objects.for_organization(org_a).filter(source_type="web").count() == 8

    def test_an_api_key_without_the_ingest_scope_may_not(self, org_a, admin_a, api_client):
        _key, raw = api_key_create(organization=org_a, name="reader", scopes=["read"], actor=admin_a.user)
        api_client.credentials(HTTP_X_API_KEY=raw)
        response = api_client.post(MULTI, {"source_type": "web", "events": ["x"]}, format="json")
        assert response.status_code == 403

    def test_a_viewer_may_not_ingest(self, viewer_client, org_a):
        response = viewer_client.post(MULTI, {"source_type": "web", "events": ["x"]}, format="json")
        assert response.status_code == 403
        assert not Event.objects.for_organization(org_a).exists()


class TestDetectionThroughIngest:
    def test_the_real_cowrie_capture_yields_threats_and_one_incident_per_attacker(
        self, sensor_a, org_a, run_detection
    ):
        response = run_detection(lambda: sensor_a.post(COWRIE, cowrie_events()))
        assert response.status_code == 202
        threats = Threat.objects.for_organization(org_a)
        by_type = {t.threat_type: t for t in threats.filter(source_ip="203.0.113.77")}
        assert {
            "brute_force_attack",
            "compromised_account",
            "command_execution",
            "malware_download",
            "discovery",
            "defense_evasion",
        } <= set(by_type)
        assert by_type["brute_force_attack"].mitre_techniques == ["T1110.001"]
        assert by_type["brute_force_attack"].event_count == 29
        assert by_type["malware_download"].mitre_techniques == ["T1105"]
        assert "T1078" in by_type["compromised_account"].mitre_techniques
        assert by_type["compromised_account"].severity == "critical"
        assert "T1059.004" in by_type["command_execution"].mitre_techniques
        telnet = {t.threat_type for t in threats.filter(source_ip="203.0.113.198")}
        assert {"botnet_activity", "command_execution"} <= telnet
        assert "brute_force_attack" not in telnet  # two failures are not a brute force
        assert not threats.filter(source_ip="203.0.113.45").exists()  # a key-exchange probe only
        incidents = Incident.objects.for_organization(org_a)
        assert incidents.count() == 2
        big = incidents.get(source_ip="203.0.113.77")
        assert big.threat_count == len(by_type)
        assert big.severity == "critical"
        assert big.risk_score == 100
        batch = IngestBatch.objects.for_organization(org_a).get()
        assert batch.status == "done"
        assert batch.threats_created == threats.count()

    def test_twenty_failed_logins_are_one_brute_force_incident(self, sensor_a, org_a, run_detection):
        lines = [
            f"Nov 22 08:20:{n:02d} web01 sshd[4{n:03d}]: Failed password for root from 198.51.100.7 port {50000 + n} ssh2"
            for n in range(20)
        ]
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "sshd", "events": lines}))
        threats = Threat.objects.for_organization(org_a)
        assert threats.count() == 1
        threat = threats.get()
        assert (threat.threat_type, threat.event_count, threat.severity) == ("brute_force_attack", 20, "high")
        assert Incident.objects.for_organization(org_a).count() == 1

    def test_a_burst_split_over_two_batches_is_still_one_threat(self, sensor_a, org_a, run_detection):
        lines = [
            f"Nov 22 08:30:{n:02d} web01 sshd[5{n:03d}]: Failed password for admin from 198.51.100.8 port {51000 + n} ssh2"
            for n in range(16)
        ]
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "sshd", "events": lines[:8]}))
        assert not Threat.objects.for_organization(org_a).exists()  # 8 < 10 within the window
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "sshd", "events": lines[8:]}))
        threat = Threat.objects.for_organization(org_a).get()
        assert threat.threat_type == "brute_force_attack"
        assert Incident.objects.for_organization(org_a).count() == 1

    def test_hits_are_stored_as_buckets_and_still_carry_a_window(self, sensor_a, org_a, run_detection):
        from incidents.models import CorrelationHit

        lines = [
            f"Nov 22 09:10:{n:02d} web01 sshd[7{n:03d}]: Failed password for root from 198.51.100.31 port {53000 + n} ssh2"
            for n in range(9)
        ]
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "sshd", "events": lines}))
        assert not Threat.objects.for_organization(org_a).exists()
        brute = CorrelationHit.objects.for_organization(org_a).filter(
            correlation_id="5b0c3d0e-1f3a-4a51-9a61-0d7f7c2a1004"
        )
        # nine failures within one 15-second bucket of the 5-minute window: one row of weight 9
        assert [(h.group_key, h.weight) for h in brute] == [("src_ip=198.51.100.31", 9)]
        tenth = (
            "Nov 22 09:12:00 web01 sshd[7999]: Failed password for root from 198.51.100.31 port 53999 ssh2"
        )
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "sshd", "events": [tenth]}))
        threat = Threat.objects.for_organization(org_a).get()
        assert threat.threat_type == "brute_force_attack"

    def test_a_window_across_batches_expires_with_its_timespan(self, sensor_a, org_a, run_detection):
        lines = [
            f"Nov 22 09:20:{n:02d} web01 sshd[7{n:03d}]: Failed password for root from 198.51.100.32 port {53000 + n} ssh2"
            for n in range(9)
        ]
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "sshd", "events": lines}))
        late = "Nov 22 09:26:00 web01 sshd[7999]: Failed password for root from 198.51.100.32 port 53999 ssh2"
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "sshd", "events": [late]}))
        assert not Threat.objects.for_organization(org_a).exists()  # the nine left the 5 minutes

    def test_a_batch_announces_each_incident_once(self, sensor_a, org_a, run_detection):
        from realtime.models import Event as RealtimeEvent

        web = [
            f'198.51.100.45 - - [22/Nov/2026:09:30:{n:02d} +0000] "GET {path} HTTP/1.1" 200 99 "-" "sqlmap/1.7"'
            for n, path in enumerate(
                [
                    "/p.php?id=1%27%20UNION%20SELECT%201,2--",
                    "/dl?f=../../../etc/passwd",
                    "/s?q=%3Cscript%3Ealert(1)%3C/script%3E",
                ]
            )
        ]
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "apache", "events": web}))
        threats = Threat.objects.for_organization(org_a)
        assert threats.count() == 4  # injection, traversal, xss, scanner
        assert len({t.human_id for t in threats}) == 4
        assert threats.values("incident").distinct().count() == 1
        published = list(RealtimeEvent.objects.for_organization(org_a).values_list("event_type", flat=True))
        assert published.count("threat_detected") == 4
        assert published.count("incident_created") == 1
        assert "incident_updated" not in published
        incident = Incident.objects.for_organization(org_a).get()
        assert incident.threat_count == 4

    def test_a_later_batch_joins_the_open_incident_of_its_source_and_refreshes_it(
        self, sensor_a, org_a, run_detection
    ):
        from realtime.models import Event as RealtimeEvent

        def line(ip, second, path):
            return f'{ip} - - [22/Nov/2026:09:40:{second:02d} +0000] "GET {path} HTTP/1.1" 200 99 "-" "Mozilla/5.0"'

        first = [line("198.51.100.46", 0, "/p.php?id=1%27%20UNION%20SELECT%201,2--")]
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "apache", "events": first}))
        incident = Incident.objects.for_organization(org_a).get()
        assert (incident.threat_count, incident.severity) == (1, "high")
        second = [
            line("198.51.100.46", 5, "/dl?f=../../../etc/passwd"),
            line("198.51.100.47", 6, "/s?q=%3Cscript%3Ealert(1)%3C/script%3E"),
        ]
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "apache", "events": second}))

        incident.refresh_from_db()
        assert incident.threat_count == 2
        assert {t.threat_type for t in incident.threats.all()} == {"sql_injection", "path_traversal"}
        assert incident.risk_score > 60 + 5  # two threat types now
        other = Incident.objects.for_organization(org_a).exclude(pk=incident.pk).get()
        assert (other.source_ip, other.threat_count) == ("198.51.100.47", 1)
        published = list(RealtimeEvent.objects.for_organization(org_a).values_list("event_type", flat=True))
        assert (published.count("incident_created"), published.count("incident_updated")) == (2, 1)
        assert incident.observables.filter(kind="ip", value="198.51.100.46").count() == 1

    def test_the_queries_of_a_batch_do_not_grow_with_its_new_threats(self, sensor_a, org_a):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from incidents.detection.services import batch_detect

        def attacks(first_host, hosts):
            return [
                f'203.0.113.{first_host + n} - - [22/Nov/2026:09:50:{n:02d} +0000] "GET {path} HTTP/1.1" 200 9 "-" "-"'
                for n in range(hosts)
                for path in ("/p.php?id=1%27%20UNION%20SELECT%201--", "/dl?f=../../../etc/passwd")
            ]

        counts = []
        for first_host, hosts in ((1, 2), (20, 12)):
            # Stored, not yet detected: the detection task is queued for after the commit.
            assert (
                sensor_a.post(
                    MULTI, {"source_type": "apache", "events": attacks(first_host, hosts)}
                ).status_code
                == 202
            )
            batch = IngestBatch.objects.for_organization(org_a).order_by("-created_at").first()
            # The detection task alone; what other apps do on commit with its incidents is theirs.
            with CaptureQueriesContext(connection) as queries:
                batch_detect(organization_id=org_a.pk, batch_id=batch.pk)
            counts.append(len(queries))

        assert Incident.objects.for_organization(org_a).count() == 14
        assert Threat.objects.for_organization(org_a).count() == 28
        assert counts[1] <= counts[0] + 2  # 24 new threats and 12 incidents cost what 4 and 2 do

    def test_openssh_and_pam_failures_both_count(self, sensor_a, org_a, run_detection):
        pam = [
            f"Nov 22 08:40:{n:02d} db01 sshd[6{n:03d}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 "
            f"euid=0 tty=ssh ruser= rhost=198.51.100.9  user=root"
            for n in range(5)
        ]
        openssh = [
            f"Nov 22 08:40:{n + 10:02d} db01 sshd[6{n:03d}]: Failed password for root from 198.51.100.9 port {52000 + n} ssh2"
            for n in range(5)
        ]
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "sshd", "events": pam + openssh}))
        threat = Threat.objects.for_organization(org_a).get()
        assert threat.threat_type == "brute_force_attack"
        assert threat.event_count == 10

    def test_auth_log_credential_stuffing_and_benign_logins(self, sensor_a, org_a, run_detection):
        run_detection(
            lambda: sensor_a.post(MULTI, {"source_type": "auth.log", "events": fixture_lines("auth.log")})
        )
        threats = Threat.objects.for_organization(org_a)
        stuffing = threats.get(source_ip="198.51.100.23")
        assert stuffing.threat_type == "credential_stuffing"
        assert stuffing.mitre_techniques == ["T1110.004", "T1110.003"]
        # alice mistyped once then logged in; deploy used a key: neither is a threat
        assert not threats.filter(source_ip__in=["192.0.2.60", "192.0.2.50"]).exists()

    def test_apache_combined_log_attacks(self, sensor_a, org_a, run_detection):
        run_detection(
            lambda: sensor_a.post(MULTI, {"source_type": "apache", "events": fixture_lines("access.log")})
        )
        threats = Threat.objects.for_organization(org_a)
        found = {(t.source_ip, t.threat_type) for t in threats}
        assert ("198.51.100.40", "sql_injection") in found
        assert ("198.51.100.41", "xss") in found
        assert ("198.51.100.42", "path_traversal") in found
        assert ("198.51.100.43", "command_injection") in found
        assert ("198.51.100.44", "web_scanner") in found
        assert not threats.filter(source_ip__in=["192.0.2.80", "192.0.2.81"]).exists()
        sqli = threats.get(source_ip="198.51.100.40", threat_type="sql_injection")
        assert sqli.mitre_techniques == ["T1190"]
        assert "UNION" in sqli.raw_log

    def test_generic_json_port_scan(self, sensor_a, org_a, run_detection):
        events = [
            {
                "timestamp": f"2026-11-22T11:00:{n:02d}Z",
                "src_ip": "198.51.100.77",
                "dst_ip": "192.0.2.10",
                "dst_port": port,
                "action": "connection",
                "outcome": "blocked",
            }
            for n, port in enumerate([21, 22, 23, 25, 80, 110, 143, 443, 445, 3306, 3389, 8080])
        ]
        run_detection(lambda: sensor_a.post(MULTI, {"source_type": "json", "events": events}))
        threat = Threat.objects.for_organization(org_a).get(threat_type="port_scan")
        assert threat.source_ip == "198.51.100.77"
        assert threat.mitre_techniques == ["T1046"]


class TestSynthetic:
    @override_settings(INGEST_SYNTHETIC_ENABLED=True)
    def test_admin_generates_flagged_events_and_threats(self, client_a, org_a, run_detection):
        response = run_detection(
            lambda: client_a.post(
                "/api/v1/ingest/synthetic", {"scenario": "ssh_brute_force", "count": 15}, format="json"
            )
        )
        assert response.status_code == 202
        assert response.json()["data"]["synthetic"] is True
        assert Event.objects.for_organization(org_a).filter(synthetic=True).count() == 15
        threats = Threat.objects.for_organization(org_a)
        assert threats.filter(threat_type="brute_force_attack").exists()
        assert all(threat.synthetic for threat in threats)

    @override_settings(INGEST_SYNTHETIC_ENABLED=False)
    def test_disabled_by_setting(self, client_a, org_a):
        response = client_a.post("/api/v1/ingest/synthetic", {}, format="json")
        assert response.status_code == 403
        assert not Event.objects.for_organization(org_a).exists()

    @override_settings(INGEST_SYNTHETIC_ENABLED=True)
    def test_editors_may_not_generate(self, editor_a, org_a):
        response = client_for(editor_a).post("/api/v1/ingest/synthetic", {}, format="json")
        assert response.status_code == 403
