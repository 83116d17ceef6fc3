"""Triage through the API: per-finding verdicts, triage rules with their preview, rescans, roles, tenancy."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from organizations.models import AuditEvent, Role
from realtime.models import Event
from scans.models import Alert, Finding, Scan, TriageRule
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.scans.conftest import GITHUB_TOKEN, STRIPE_LIVE, data, error

pytestmark = pytest.mark.django_db

APP = f'import pickle\n\nKEY = "{STRIPE_LIVE}"\n\ndef load(blob):\n    return pickle.loads(blob)\n'
TEST_FIXTURE = f'TOKEN = "{GITHUB_TOKEN}"\n'


def upload(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    blob = io.BytesIO(buffer.getvalue())
    blob.name = "src.zip"
    return blob


def scan_archive(client, run_jobs, files: dict[str, str], **fields) -> dict:
    response = run_jobs(
        client.post, "/api/v1/scans/code", {"archive": upload(files), **fields}, format="multipart"
    )
    assert response.status_code == 202, response.content
    return data(client.get(f"/api/v1/scans/{response.json()['data']['id']}"))


def statuses(organization) -> dict[tuple[str, str], str]:
    return {
        (path, kind): status
        for path, kind, status in Finding.objects.for_organization(organization).values_list(
            "file_path", "finding_type", "status"
        )
    }


def audit_actions(organization) -> list[str]:
    return list(
        AuditEvent.objects.for_organization(organization)
        .filter(action__startswith="scans.")
        .values_list("action", flat=True)
    )


@pytest.fixture
def manager_client(org_a):
    return client_for(MembershipFactory(organization=org_a, role=Role.MANAGER))


FILES = {"src/app.py": APP, "tests/fixtures.py": TEST_FIXTURE}


class TestFindingTriage:
    def test_false_positive_lowers_the_scan_and_survives_rescans(self, scan_client, run_jobs, org_a):
        scan = scan_archive(scan_client, run_jobs, FILES)
        secret = next(row for row in scan["results"] if row["file_path"] == "tests/fixtures.py")
        alerts = Alert.objects.for_organization(org_a).count()

        response = scan_client.post(
            f"/api/v1/findings/{secret['finding_id']}/triage",
            {"status": "false_positive", "reason": "A revoked token in a test fixture."},
            format="json",
        )
        body = data(response)
        assert body["finding"]["status"] == "false_positive"
        assert body["finding"]["triage_reason"] == "A revoked token in a test fixture."
        assert body["effect"]["dry_run"] is False
        assert body["effect"]["findings_changed"] == 1
        [changed_scan] = body["effect"]["scans"]
        assert changed_scan["scan_id"] == scan["id"]
        assert changed_scan["ai_risk_score_after"] < changed_scan["ai_risk_score_before"]
        stored = data(scan_client.get(f"/api/v1/scans/{scan['id']}"))
        assert stored["ai_risk_score"] == changed_scan["ai_risk_score_after"]
        assert stored["findings_count"] == scan["findings_count"] - 1
        assert audit_actions(org_a) == ["scans.finding_triaged"]

        again = scan_archive(scan_client, run_jobs, FILES)
        row = next(row for row in again["results"] if row["file_path"] == "tests/fixtures.py")
        assert row["status"] == "false_positive"
        assert again["ai_risk_score"] == stored["ai_risk_score"]
        assert Alert.objects.for_organization(org_a).count() == alerts

    def test_accepted_risk_needs_a_future_expiry_and_bad_input_changes_nothing(
        self, scan_client, run_jobs, org_a
    ):
        scan = scan_archive(scan_client, run_jobs, FILES)
        finding_id = scan["results"][0]["finding_id"]
        for body in (
            {"status": "accepted_risk"},
            {"status": "accepted_risk", "expires_at": (timezone.now() - timedelta(days=1)).isoformat()},
            {"status": "ignored"},
        ):
            response = scan_client.post(f"/api/v1/findings/{finding_id}/triage", body, format="json")
            assert response.status_code == 400, body
            assert error(response)["code"] == "VALIDATION_ERROR"
        assert set(statuses(org_a).values()) == {"open"}
        assert audit_actions(org_a) == []

    def test_an_expired_accepted_risk_is_reopened_by_the_next_scan(self, scan_client, run_jobs, org_a):
        scan = scan_archive(scan_client, run_jobs, FILES)
        secret = next(
            row for row in scan["results"] if row["file_path"] == "src/app.py" and row["redacted_value"]
        )
        expiry = (timezone.now() + timedelta(days=30)).isoformat()
        data(
            scan_client.post(
                f"/api/v1/findings/{secret['finding_id']}/triage",
                {"status": "accepted_risk", "expires_at": expiry},
                format="json",
            )
        )
        scan_archive(scan_client, run_jobs, FILES)
        assert Finding.objects.for_organization(org_a).get(pk=secret["finding_id"]).status == "accepted_risk"

        Finding.objects.for_organization(org_a).filter(pk=secret["finding_id"]).update(
            triage_expires_at=timezone.now() - timedelta(seconds=1)
        )
        alerts = Alert.objects.for_organization(org_a).count()
        scan_archive(scan_client, run_jobs, FILES)
        finding = Finding.objects.for_organization(org_a).get(pk=secret["finding_id"])
        assert finding.status == "open"
        assert finding.triage_expires_at is None
        assert Alert.objects.for_organization(org_a).count() == alerts + 1

    def test_dry_run_shows_the_effect_and_changes_nothing(self, scan_client, run_jobs, org_a):
        scan = scan_archive(scan_client, run_jobs, FILES)
        finding_id = scan["results"][0]["finding_id"]
        body = data(
            scan_client.post(
                f"/api/v1/findings/{finding_id}/triage?dry_run=true",
                {"status": "false_positive"},
                format="json",
            )
        )
        assert body["effect"]["dry_run"] is True
        assert body["effect"]["findings"][0]["status_after"] == "false_positive"
        assert body["finding"]["status"] == "open"
        assert set(statuses(org_a).values()) == {"open"}
        assert Scan.objects.for_organization(org_a).get(pk=scan["id"]).ai_risk_score == scan["ai_risk_score"]
        assert audit_actions(org_a) == []

    def test_open_takes_a_verdict_back(self, scan_client, run_jobs, org_a):
        scan = scan_archive(scan_client, run_jobs, FILES)
        finding_id = scan["results"][0]["finding_id"]
        url = f"/api/v1/findings/{finding_id}/triage"
        data(scan_client.post(url, {"status": "false_positive"}, format="json"))
        reopened = data(scan_client.post(url, {"status": "open"}, format="json"))
        assert reopened["finding"]["status"] == "open"
        assert reopened["finding"]["triaged_at"] is None
        assert data(scan_client.get(f"/api/v1/scans/{scan['id']}"))["ai_risk_score"] == scan["ai_risk_score"]

    def test_findings_list_filters_and_roles(
        self, scan_client, run_jobs, org_a, viewer_a, editor_a, client_b
    ):
        scan = scan_archive(scan_client, run_jobs, FILES)
        finding_id = scan["results"][0]["finding_id"]
        viewer = client_for(viewer_a)
        listed = data(viewer.get("/api/v1/findings?severity=critical"))
        assert listed
        assert {row["severity"] for row in listed} == {"critical"}
        assert len(data(viewer.get(f"/api/v1/findings?scan_id={scan['id']}"))) == len(scan["results"])
        assert data(viewer.get(f"/api/v1/findings/{finding_id}"))["redacted_preview"] is not None
        for client in (viewer, client_for(editor_a)):
            response = client.post(
                f"/api/v1/findings/{finding_id}/triage", {"status": "false_positive"}, format="json"
            )
            assert response.status_code == 403
        assert client_b.get(f"/api/v1/findings/{finding_id}").status_code == 404
        assert (
            client_b.post(
                f"/api/v1/findings/{finding_id}/triage", {"status": "false_positive"}, format="json"
            ).status_code
            == 404
        )
        assert set(statuses(org_a).values()) == {"open"}


class TestTriageRules:
    RULE = {"name": "Test fixtures hold revoked tokens", "file_pattern": "tests/*", "resolution": "exception"}

    def test_preview_then_create_applies_to_past_and_future_scans(self, manager_client, run_jobs, org_a):
        scan = scan_archive(manager_client, run_jobs, FILES)

        preview = data(manager_client.post("/api/v1/triage-rules/preview", self.RULE, format="json"))
        assert preview["dry_run"] is True
        assert preview["findings_changed"] == 1
        assert preview["findings"][0]["file_path"] == "tests/fixtures.py"
        assert preview["findings"][0]["status_after"] == "exception"
        assert [row["scan_id"] for row in preview["scans"]] == [scan["id"]]
        assert preview["scans"][0]["ai_risk_score_after"] < scan["ai_risk_score"]
        # Nothing was saved by the preview.
        assert not TriageRule.objects.for_organization(org_a).exists()
        assert statuses(org_a)[("tests/fixtures.py", "hardcoded_token")] == "open"
        assert audit_actions(org_a) == []
        # dry_run on create is the same preview.
        dry = data(manager_client.post("/api/v1/triage-rules?dry_run=true", self.RULE, format="json"))
        assert dry["findings_changed"] == 1
        assert not TriageRule.objects.for_organization(org_a).exists()

        response = manager_client.post("/api/v1/triage-rules", self.RULE, format="json")
        assert response.status_code == 201
        created = response.json()["data"]
        assert created["effect"]["findings_changed"] == preview["findings_changed"]
        assert created["effect"]["scans"] == preview["scans"]
        assert statuses(org_a)[("tests/fixtures.py", "hardcoded_token")] == "exception"
        assert statuses(org_a)[("src/app.py", "hardcoded_api_key")] == "open"
        assert audit_actions(org_a) == ["scans.triage_rule_created"]

        # A future scan: a new matching finding is created already triaged, raises nothing.
        alerts = Alert.objects.for_organization(org_a).count()
        later = scan_archive(
            manager_client, run_jobs, {**FILES, "tests/more.py": f'OTHER = "{STRIPE_LIVE[:-4]}Zz9Q"\n'}
        )
        new_row = next(row for row in later["results"] if row["file_path"] == "tests/more.py")
        assert new_row["status"] == "exception"
        assert later["details"]["suppressed"] == 1
        assert Alert.objects.for_organization(org_a).count() == alerts
        finding = Finding.objects.for_organization(org_a).get(pk=new_row["finding_id"])
        assert str(finding.triage_rule_id) == created["triage_rule"]["id"]

    def test_delete_previews_then_reopens_what_the_rule_triaged(self, manager_client, run_jobs, org_a):
        scan_archive(manager_client, run_jobs, FILES)
        rule = data(manager_client.post("/api/v1/triage-rules", self.RULE, format="json"))["triage_rule"]
        url = f"/api/v1/triage-rules/{rule['id']}"
        preview = data(manager_client.delete(f"{url}?dry_run=true"))
        assert preview["findings"][0]["status_after"] == "open"
        assert TriageRule.objects.for_organization(org_a).exists()
        assert manager_client.delete(url).status_code == 204
        assert statuses(org_a)[("tests/fixtures.py", "hardcoded_token")] == "open"
        assert sorted(audit_actions(org_a)) == ["scans.triage_rule_created", "scans.triage_rule_deleted"]

    def test_narrowing_a_rule_reopens_what_it_no_longer_covers(self, manager_client, run_jobs, org_a):
        scan_archive(manager_client, run_jobs, FILES)
        rule = data(
            manager_client.post(
                "/api/v1/triage-rules",
                {"name": "Known", "file_pattern": "*.py", "resolution": "false_positive"},
                format="json",
            )
        )["triage_rule"]
        assert set(statuses(org_a).values()) == {"false_positive"}
        updated = data(
            manager_client.patch(
                f"/api/v1/triage-rules/{rule['id']}", {"file_pattern": "tests/*"}, format="json"
            )
        )
        assert updated["triage_rule"]["file_pattern"] == "tests/*"
        current = statuses(org_a)
        assert current[("tests/fixtures.py", "hardcoded_token")] == "false_positive"
        assert current[("src/app.py", "hardcoded_api_key")] == "open"
        assert current[("src/app.py", "unsafe_deserialization")] == "open"

    def test_a_rule_scoped_to_a_rule_id_and_a_project(self, manager_client, run_jobs, org_a):
        projects = [
            data(manager_client.post("/api/v1/projects", {"name": name}, format="json"))
            for name in ("one", "two")
        ]
        for project in projects:
            scan_archive(manager_client, run_jobs, FILES, project_id=project["id"])
        pickle_rule = (
            Finding.objects.for_organization(org_a)
            .get(project_id=projects[0]["id"], finding_type="unsafe_deserialization")
            .rule_id
        )
        data(
            manager_client.post(
                "/api/v1/triage-rules",
                {
                    "name": "pickle of our own cache only",
                    "rule_id": pickle_rule,
                    "project_id": projects[0]["id"],
                    "resolution": "accepted_risk",
                    "expires_at": (timezone.now() + timedelta(days=90)).isoformat(),
                },
                format="json",
            )
        )
        by_project = dict(
            Finding.objects.for_organization(org_a)
            .filter(finding_type="unsafe_deserialization")
            .values_list("project_id", "status")
        )
        assert {str(key): value for key, value in by_project.items()} == {
            projects[0]["id"]: "accepted_risk",
            projects[1]["id"]: "open",
        }

    def test_bad_rules_are_400_and_change_nothing(self, manager_client, run_jobs, org_a, client_b):
        scan_archive(manager_client, run_jobs, FILES)
        for body in (
            {"name": "everything"},
            {"name": "no expiry", "file_pattern": "*", "resolution": "accepted_risk"},
            {"name": "bad", "file_pattern": "*", "resolution": "wontfix"},
        ):
            response = manager_client.post("/api/v1/triage-rules", body, format="json")
            assert response.status_code == 400, body
            assert error(response)["code"] == "VALIDATION_ERROR"
        other_project = data(client_b.post("/api/v1/projects", {"name": "theirs"}, format="json"))
        response = manager_client.post(
            "/api/v1/triage-rules", {**self.RULE, "project_id": other_project["id"]}, format="json"
        )
        assert response.status_code == 404
        assert not TriageRule.objects.for_organization(org_a).exists()
        assert set(statuses(org_a).values()) == {"open"}

    def test_roles_and_tenancy(self, manager_client, scan_client, viewer_a, editor_a, client_b, org_a):
        rule = data(manager_client.post("/api/v1/triage-rules", self.RULE, format="json"))["triage_rule"]
        assert data(client_for(viewer_a).get("/api/v1/triage-rules"))[0]["id"] == rule["id"]
        assert client_for(editor_a).post("/api/v1/triage-rules", self.RULE, format="json").status_code == 403
        assert client_for(viewer_a).delete(f"/api/v1/triage-rules/{rule['id']}").status_code == 403
        assert (
            scan_client.post(
                "/api/v1/triage-rules", {**self.RULE, "name": "by admin"}, format="json"
            ).status_code
            == 201
        )
        assert client_b.get(f"/api/v1/triage-rules/{rule['id']}").status_code == 404
        assert client_b.delete(f"/api/v1/triage-rules/{rule['id']}").status_code == 404
        assert TriageRule.objects.for_organization(org_a).count() == 2


class TestSecretExposed:
    def events(self, organization):
        return list(Event.objects.for_organization(organization).filter(event_type="secret_exposed"))

    def test_published_once_per_new_secret_and_never_carries_it(self, scan_client, run_jobs, org_a):
        project = data(scan_client.post("/api/v1/projects", {"name": "Backend"}, format="json"))
        scan = scan_archive(scan_client, run_jobs, FILES, project_id=project["id"])
        published = self.events(org_a)
        secrets = [row for row in scan["results"] if row["redacted_value"]]
        assert len(published) == len(secrets) == 2
        assert {event.payload["finding_id"] for event in published} == {row["finding_id"] for row in secrets}
        first = next(event.payload for event in published if event.payload["file_path"] == "src/app.py")
        assert first["scan_id"] == scan["id"]
        assert first["project_name"] == "Backend"
        assert first["severity"] == "critical"
        assert first["line_number"] == 3
        assert first["redacted_preview"].startswith("sk_l")
        for event in published:
            assert STRIPE_LIVE not in str(event.payload)
            assert GITHUB_TOKEN not in str(event.payload)

        # A rescan of known fingerprints publishes nothing more, even after a fix and a regression.
        scan_archive(scan_client, run_jobs, FILES, project_id=project["id"])
        scan_archive(scan_client, run_jobs, {"src/app.py": "x = 1\n"}, project_id=project["id"])
        scan_archive(scan_client, run_jobs, FILES, project_id=project["id"])
        assert len(self.events(org_a)) == 2

    def test_not_published_for_a_secret_triaged_away_by_a_rule(self, scan_client, run_jobs, org_a):
        data(
            scan_client.post(
                "/api/v1/triage-rules", {"name": "fixtures", "file_pattern": "tests/*"}, format="json"
            )
        )
        scan_archive(scan_client, run_jobs, FILES)
        [event] = self.events(org_a)
        assert event.payload["file_path"] == "src/app.py"
