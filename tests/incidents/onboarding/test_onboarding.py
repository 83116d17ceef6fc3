"""The onboarding session: start, profile, permissions, network scan, results, plan, validation,
complete and skip, as an admin, a manager and a viewer would see them."""

import pytest
from django.test import override_settings

from incidents.onboarding.models import (
    DiscoveredAsset,
    EnrolledAgent,
    NetworkScan,
    OnboardingSession,
)
from incidents.onboarding.network_scans import network_scan_run
from incidents.onboarding.services import agent_enroll, agent_heartbeat, enrollment_token_create
from organizations.models import Role
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.incidents.onboarding.helpers import asset_make, closed_port, listening, started

pytestmark = pytest.mark.django_db

BASE = "/api/v1/onboarding"


@pytest.fixture
def manager_a(org_a):
    return MembershipFactory(organization=org_a, role=Role.MANAGER)


def status_of(client) -> dict:
    response = client.get(f"{BASE}/status")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def error_of(response, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code
    return body["message"]


def test_status_before_start_shows_every_step_left(client_a, viewer_a):
    data = status_of(client_for(viewer_a))
    assert data["status"] == "not_started"
    assert data["current_step"] == "start"
    assert data["progress_percent"] == 0
    assert data["remaining_steps"] == [
        "start",
        "profile",
        "permissions",
        "network_scan",
        "deployment_plan",
        "agent_enrollment",
        "validation",
        "complete",
    ]
    assert data["findings"]["assets_discovered"] == 0


def test_start_once_and_viewers_cannot_write(org_a, client_a, viewer_a):
    viewer = client_for(viewer_a)
    error_of(viewer.post(f"{BASE}/start", {}), 403, "FORBIDDEN")
    assert not OnboardingSession.objects.for_organization(org_a).exists()

    first = client_a.post(f"{BASE}/start", {})
    assert first.status_code == 201, first.content
    again = client_a.post(f"{BASE}/start", {})
    assert again.status_code == 200
    assert again.json()["data"]["session_id"] == first.json()["data"]["session_id"]
    data = again.json()["data"]
    assert data["status"] == "in_progress"
    assert data["current_step"] == "profile"
    assert "start" not in data["remaining_steps"]
    assert OnboardingSession.objects.for_organization(org_a).count() == 1


def test_a_step_before_start_is_a_conflict(client_a):
    message = error_of(client_a.post(f"{BASE}/profile", {"company_name": "Acme"}), 409, "CONFLICT")
    assert "onboarding/start" in message


def test_profile_and_permissions_are_validated_and_recorded(org_a, client_a, admin_a):
    client_a.post(f"{BASE}/start", {})
    bad = client_a.post(f"{BASE}/profile", {"company_name": "Acme", "timezone": "Mars/Olympus"})
    assert "timezone" in bad.json()["error"]["details"]["fields"]
    error_of(bad, 400, "VALIDATION_ERROR")
    assert status_of(client_a)["profile"] is None

    ok = client_a.post(
        f"{BASE}/profile",
        {
            "company_name": "Acme",
            "company_size": "51-200",
            "environments": ["aws"],
            "timezone": "Europe/Paris",
        },
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["data"]["profile"]["company_name"] == "Acme"

    unacknowledged = client_a.post(
        f"{BASE}/permissions", {"granted": ["network_discovery"], "acknowledged": False}
    )
    error_of(unacknowledged, 400, "VALIDATION_ERROR")
    granted = client_a.post(
        f"{BASE}/permissions", {"granted": ["network_discovery", "log_collection"], "acknowledged": True}
    )
    data = granted.json()["data"]
    assert data["permissions"]["granted"] == ["log_collection", "network_discovery"]
    assert data["permissions"]["granted_by"] == str(admin_a.user.pk)
    assert data["current_step"] == "network_scan"
    assert data["progress_percent"] == round(100 * 3 / 8)


def test_network_scan_finds_the_open_ports_and_not_the_closed_one(
    org_a, client_a, django_capture_on_commit_callbacks
):
    started(org_a)
    closed = closed_port()
    with (
        listening(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n") as ssh_port,
        listening() as silent_port,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_a.post(
            f"{BASE}/network-scan", {"cidr": "127.0.0.1/32", "ports": [ssh_port, silent_port, closed]}
        )
    assert response.status_code == 202, response.content
    assert response.json()["data"]["status"] == "queued"

    scan = NetworkScan.objects.for_organization(org_a).get()
    assert (scan.status, scan.addresses_scanned, scan.hosts_up, scan.open_ports) == ("completed", 1, 1, 2)
    results = client_a.get(f"{BASE}/scan-results").json()
    [asset] = results["data"]
    assert asset["ip"] == "127.0.0.1"
    assert asset["os_guess"] == "linux"  # the SSH banner names Ubuntu
    ports = {p["port"]: p for p in asset["open_ports"]}
    assert set(ports) == {ssh_port, silent_port}
    assert ports[ssh_port]["service"] == "ssh"
    assert ports[ssh_port]["banner"].startswith("SSH-2.0-OpenSSH_9.6p1")
    assert ports[silent_port]["banner"] == ""
    assert results["meta"]["pagination"]["total"] == 1

    data = status_of(client_a)
    assert next(s for s in data["steps"] if s["key"] == "network_scan")["status"] == "done"
    assert data["findings"]["latest_scan"]["scan_id"] == str(scan.pk)
    assert data["findings"]["assets_by_os"] == {"linux": 1}


def test_running_the_scan_job_twice_changes_nothing(org_a, django_capture_on_commit_callbacks, client_a):
    started(org_a)
    with listening(b"220 mail ESMTP Postfix\r\n") as port, django_capture_on_commit_callbacks(execute=True):
        client_a.post(f"{BASE}/network-scan", {"cidr": "127.0.0.1", "ports": [port]})
    scan = NetworkScan.objects.for_organization(org_a).get()
    network_scan_run(scan_id=str(scan.pk), organization_id=str(org_a.pk))
    scan.refresh_from_db()
    assert (scan.status, scan.attempts) == ("completed", 1)
    asset = DiscoveredAsset.objects.for_organization(org_a).get()
    assert [(s.service, s.banner) for s in asset.services.all()] == [("smtp", "220 mail ESMTP Postfix")]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"cidr": "10.0.0.0/30"}, "cidr", "10.0.0.0/30 is not inside a network this deployment may scan"),
        ({"cidr": "8.8.8.8"}, "cidr", "8.8.8.8/32 is not inside a network this deployment may scan"),
        ({"cidr": "127.0.0.0/23"}, "cidr", "127.0.0.0/23 has 512 addresses; a scan may cover at most 256"),
        (
            {"cidr": "127.0.0.1", "ports": list(range(1000, 1033))},
            "ports",
            "33 ports requested; a scan may probe at most 32",
        ),
        ({"cidr": "not-a-range"}, "cidr", "'not-a-range' is not an IP address or CIDR range"),
    ],
)
def test_a_refused_range_is_a_precise_400_and_queues_nothing(org_a, client_a, body, field, message):
    started(org_a)
    response = client_a.post(f"{BASE}/network-scan", body)
    assert message in error_of(response, 400, "VALIDATION_ERROR")
    assert field in response.json()["error"]["details"]["fields"]
    assert not NetworkScan.objects.for_organization(org_a).exists()
    assert next(s for s in status_of(client_a)["steps"] if s["key"] == "network_scan")["status"] == "pending"


@override_settings(ONBOARDING_SCAN_ALLOWED_NETWORKS=[])
def test_nothing_is_scannable_when_no_network_is_allowed(org_a, client_a):
    started(org_a)
    message = error_of(client_a.post(f"{BASE}/network-scan", {"cidr": "127.0.0.1"}), 400, "VALIDATION_ERROR")
    assert "ONBOARDING_SCAN_ALLOWED_NETWORKS is empty" in message


def test_a_queued_scan_fails_if_its_range_is_no_longer_allowed(org_a, client_a):
    started(org_a)
    client_a.post(f"{BASE}/network-scan", {"cidr": "127.0.0.1", "ports": [closed_port()]})
    scan = NetworkScan.objects.for_organization(org_a).get()
    with override_settings(ONBOARDING_SCAN_ALLOWED_NETWORKS=["10.0.0.0/8"]):
        network_scan_run(scan_id=str(scan.pk), organization_id=str(org_a.pk))
    scan.refresh_from_db()
    assert scan.status == "failed"
    assert "not inside a network" in scan.failure_reason
    step = next(s for s in status_of(client_a)["steps"] if s["key"] == "network_scan")
    assert step["status"] == "failed"


def test_scanning_needs_the_network_discovery_permission_and_one_scan_at_a_time(org_a, client_a):
    started(org_a, granted=("log_collection",))
    message = error_of(client_a.post(f"{BASE}/network-scan", {"cidr": "127.0.0.1"}), 409, "CONFLICT")
    assert "network_discovery" in message
    client_a.post(f"{BASE}/permissions", {"granted": ["network_discovery"], "acknowledged": True})
    assert client_a.post(f"{BASE}/network-scan", {"cidr": "127.0.0.1", "ports": [9]}).status_code == 202
    # Not run (no commit in this test): the first scan is still queued, so a second one waits.
    assert "still queued" in error_of(
        client_a.post(f"{BASE}/network-scan", {"cidr": "127.0.0.2", "ports": [9]}), 409, "CONFLICT"
    )


def test_scan_results_filter_and_paginate_and_stay_in_their_organization(org_a, client_a, client_b):
    started(org_a)
    asset_make(org_a, "192.0.2.10", {22: ("ssh", "SSH-2.0-OpenSSH_9.6")}, os_guess="linux")
    windows = asset_make(org_a, "192.0.2.20", {3389: ("rdp", ""), 445: ("smb", "")}, os_guess="windows")
    asset_make(org_a, "192.0.2.30", {80: ("http", ""), 22: ("ssh", "")}, os_guess="linux")

    def ips(query):
        response = client_a.get(f"{BASE}/scan-results", query)
        assert response.status_code == 200, response.content
        return [a["ip"] for a in response.json()["data"]]

    assert ips({"os_guess": "windows"}) == ["192.0.2.20"]
    assert ips({"port": 22}) == ["192.0.2.10", "192.0.2.30"]
    assert ips({"service": "HTTP"}) == ["192.0.2.30"]
    assert ips({"ip": "192.0.2.10"}) == ["192.0.2.10"]
    assert ips({"scan_id": str(windows.scan_id)}) == ["192.0.2.20"]
    page = client_a.get(f"{BASE}/scan-results", {"page_size": 2, "page": 2}).json()
    assert [a["ip"] for a in page["data"]] == ["192.0.2.30"]
    assert page["meta"]["pagination"]["total"] == 3
    error_of(client_a.get(f"{BASE}/scan-results", {"ip": "not-an-ip"}), 400, "VALIDATION_ERROR")

    detail = client_a.get(f"{BASE}/scan-results/{windows.pk}").json()["data"]
    assert detail["services"] == ["rdp", "smb"]
    assert client_b.get(f"{BASE}/scan-results").json()["data"] == []
    error_of(client_b.get(f"{BASE}/scan-results/{windows.pk}"), 404, "NOT_FOUND")


def test_the_deployment_plan_maps_assets_to_profiles_and_can_be_regenerated(org_a, client_a):
    started(org_a)
    error_of(client_a.post(f"{BASE}/generate-deployment-plan"), 409, "CONFLICT")  # no scan yet
    asset_make(org_a, "192.0.2.10", {22: ("ssh", ""), 443: ("https", "")}, os_guess="linux")
    asset_make(org_a, "192.0.2.20", {3389: ("rdp", "")}, os_guess="windows")
    asset_make(org_a, "192.0.2.30", {161: ("snmp", "")}, os_guess="network_device")
    asset_make(org_a, "192.0.2.40", {8080: ("http-alt", "")}, os_guess="unknown")

    response = client_a.post(f"{BASE}/generate-deployment-plan")
    assert response.status_code == 200, response.content
    plan = response.json()["data"]["plan"]
    by_ip = {entry["ip"]: entry for entry in plan["assets"]}
    assert {ip: entry["profile"] for ip, entry in by_ip.items()} == {
        "192.0.2.10": "linux-server",
        "192.0.2.20": "windows-server",
        "192.0.2.30": "agentless",
        "192.0.2.40": "review",
    }
    assert by_ip["192.0.2.10"]["log_sources"] == [
        "auth log (/var/log/auth.log or /var/log/secure)",
        "web server access log",
    ]
    assert "isolate_host" in by_ip["192.0.2.20"]["capabilities"]
    assert by_ip["192.0.2.30"]["deploy_agent"] is False
    assert plan["agent_token_step"]["tokens_required"] == 2
    assert plan["agent_token_step"]["labels"] == ["192.0.2.10", "192.0.2.20"]
    assert plan["summary"]["by_profile"] == {
        "linux-server": 1,
        "windows-server": 1,
        "agentless": 1,
        "review": 1,
    }

    asset_make(org_a, "192.0.2.50", {22: ("ssh", "")}, os_guess="linux")
    again = client_a.post(f"{BASE}/generate-deployment-plan").json()["data"]["plan"]
    assert again["version"] == plan["version"] + 1
    assert again["agent_token_step"]["tokens_required"] == 3


def test_validation_reports_each_planned_host_and_gates_complete(org_a, client_a, admin_a):
    session = started(org_a)
    client_a.post(f"{BASE}/profile", {"company_name": "Acme"})
    asset_make(org_a, "192.0.2.10", {22: ("ssh", "")}, os_guess="linux")
    client_a.post(f"{BASE}/generate-deployment-plan")

    message = error_of(client_a.post(f"{BASE}/complete"), 409, "CONFLICT")
    assert "validation" in message

    first = client_a.post(f"{BASE}/validation").json()["data"]
    assert first["passed"] is False
    [missing] = first["assets"]
    assert (missing["ip"], missing["status"]) == ("192.0.2.10", "missing")
    assert "No agent enrolled" in missing["reason"]

    _token, raw = enrollment_token_create(organization=org_a, label="192.0.2.10")
    agent = agent_enroll(token=raw, hostname="web-01", capabilities=["block_ip"]).agent
    silent = client_a.post(f"{BASE}/validation").json()["data"]["assets"][0]
    assert "never sent a heartbeat" in silent["reason"]

    agent_heartbeat(agent=agent)
    passed = client_a.post(f"{BASE}/validation").json()["data"]
    assert passed["passed"] is True
    assert passed["assets"][0]["status"] == "ok"
    assert passed["assets"][0]["enrollment_id"] == str(agent.pk)

    done = client_a.post(f"{BASE}/complete")
    assert done.status_code == 200, done.content
    data = done.json()["data"]
    assert (data["status"], data["progress_percent"], data["current_step"]) == ("completed", 100, None)
    assert data["completed_by"] == str(admin_a.user.pk)
    assert next(s for s in data["steps"] if s["key"] == "agent_enrollment")["status"] == "done"
    assert data["findings"]["validation"] == {
        "passed": True,
        "validated_at": data["findings"]["validation"]["validated_at"],
        "ok": 1,
        "missing": 0,
    }
    session.refresh_from_db()
    assert session.completed_at is not None
    error_of(client_a.post(f"{BASE}/skip", {}), 409, "CONFLICT")


def test_a_new_plan_invalidates_an_earlier_validation(org_a, client_a):
    started(org_a)
    client_a.post(f"{BASE}/profile", {"company_name": "Acme"})
    asset_make(org_a, "192.0.2.10", {22: ("ssh", "")})
    client_a.post(f"{BASE}/generate-deployment-plan")
    _token, raw = enrollment_token_create(organization=org_a, label="192.0.2.10")
    agent_heartbeat(agent=agent_enroll(token=raw, hostname="h").agent)
    assert client_a.post(f"{BASE}/validation").json()["data"]["passed"] is True
    client_a.post(f"{BASE}/generate-deployment-plan")
    error_of(client_a.post(f"{BASE}/complete"), 409, "CONFLICT")


def test_skip_records_who_skipped_and_a_restart_begins_again(org_a, manager_a, viewer_a):
    manager = client_for(manager_a)
    error_of(client_for(viewer_a).post(f"{BASE}/skip", {}), 403, "FORBIDDEN")
    skipped = manager.post(f"{BASE}/skip", {"reason": "evaluating only"})
    assert skipped.status_code == 200, skipped.content
    data = skipped.json()["data"]
    assert (data["status"], data["skipped_by"], data["skip_reason"]) == (
        "skipped",
        str(manager_a.user.pk),
        "evaluating only",
    )
    assert data["remaining_steps"] == []
    assert "restart" in error_of(manager.post(f"{BASE}/profile", {"company_name": "A"}), 409, "CONFLICT")
    error_of(manager.post(f"{BASE}/start", {}), 409, "CONFLICT")
    restarted = manager.post(f"{BASE}/start", {"restart": True})
    assert restarted.status_code == 201
    assert (restarted.json()["data"]["status"], restarted.json()["data"]["skipped_by"]) == (
        "in_progress",
        None,
    )


def test_enrolling_an_agent_marks_the_enrollment_step(org_a, client_a):
    started(org_a)
    _token, raw = enrollment_token_create(organization=org_a, label="db-01")
    agent_enroll(token=raw, hostname="db-01")
    assert EnrolledAgent.objects.for_organization(org_a).count() == 1
    step = next(s for s in status_of(client_a)["steps"] if s["key"] == "agent_enrollment")
    assert step["status"] == "done"
