"""The incident workspace: list filters and ordering, detail, lifecycle, assignment, comments,
merging, similarity, context, threat-status, AI analysis, timeline and attack paths."""

import pytest

from incidents.models import Incident, IncidentActivity, Threat
from incidents.signals import incident_saved
from organizations.models import AuditEvent, Role
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.incidents.workspace_helpers import brute_force_lines, incident_from, ingest, sqli_line

pytestmark = pytest.mark.django_db

INCIDENTS = "/api/v1/incidents"


@pytest.fixture
def three(org_a):
    """Three incidents: two web SQL injections (one synthetic) and an SSH brute force."""
    web = incident_from(org_a, "198.51.100.10")
    fake = incident_from(org_a, "198.51.100.11", synthetic=True)
    ssh = incident_from(org_a, "203.0.113.5", source="sshd")
    return web, fake, ssh


def ids(response):
    assert response.status_code == 200, response.content
    return [row["incident_id"] for row in response.json()["data"]]


class TestList:
    def test_rows_carry_scores_counts_and_escalation(self, client_a, three):
        _web, _fake, ssh = three
        rows = {r["incident_id"]: r for r in client_a.get(INCIDENTS).json()["data"]}
        assert set(rows) == {i.human_id for i in three}
        row = rows[ssh.human_id]
        assert row["risk_score"] == ssh.risk_score > 0
        assert row["ml_confidence"] is None
        assert row["threat_count"] == 1
        assert row["event_count"] == 12
        assert row["status"] == "open"
        # medium sensitivity: levels at 40, 60 and 80
        assert row["escalation_level"] == sum(ssh.risk_score >= t for t in (40, 60, 80))

    def test_filters(self, client_a, three):
        web, fake, ssh = three
        assert ids(client_a.get(INCIDENTS, {"source_ip": "203.0.113.5"})) == [ssh.human_id]
        assert ids(client_a.get(INCIDENTS, {"threat_type": "brute_force_attack"})) == [ssh.human_id]
        assert set(ids(client_a.get(INCIDENTS, {"threat_type": "sql_injection"}))) == {
            web.human_id,
            fake.human_id,
        }
        assert ids(client_a.get(INCIDENTS, {"search": "203.0.113"})) == [ssh.human_id]
        assert ids(client_a.get(INCIDENTS, {"min_risk": 101 - 1, "max_risk": 100})) == [
            i.human_id for i in three if i.risk_score == 100
        ]
        top = max(i.risk_score for i in three)
        assert set(ids(client_a.get(INCIDENTS, {"min_risk": top}))) == {
            i.human_id for i in three if i.risk_score == top
        }
        Incident.objects.for_organization(web.organization).filter(pk=web.pk).update(status="investigating")
        assert ids(client_a.get(INCIDENTS, {"status": "investigating"})) == [web.human_id]
        assert ids(client_a.get(INCIDENTS, {"from_date": "2999-01-01T00:00:00Z"})) == []

    def test_bad_filters_are_validation_errors(self, client_a, three):
        response = client_a.get(INCIDENTS, {"status": "nonsense"})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"

    def test_ordering(self, client_a, org_a, three):
        Incident.objects.for_organization(org_a).filter(pk=three[0].pk).update(risk_score=5)
        Incident.objects.for_organization(org_a).filter(pk=three[1].pk).update(risk_score=50)
        Incident.objects.for_organization(org_a).filter(pk=three[2].pk).update(risk_score=95)
        assert ids(client_a.get(INCIDENTS, {"ordering": "risk_score"})) == [i.human_id for i in three]
        assert ids(client_a.get(INCIDENTS, {"ordering": "-risk_score"})) == [
            i.human_id for i in reversed(three)
        ]
        assert ids(client_a.get(INCIDENTS, {"ordering": "-event_count"}))[0] == three[2].human_id

    def test_pagination(self, client_a, three):
        body = client_a.get(INCIDENTS, {"page_size": 2}).json()
        assert len(body["data"]) == 2
        assert body["meta"]["pagination"] == {"page": 1, "page_size": 2, "total": 3, "pages": 2}

    def test_real_leaves_out_synthetic_incidents(self, client_a, three):
        web, _fake, ssh = three
        assert set(ids(client_a.get(f"{INCIDENTS}/real"))) == {web.human_id, ssh.human_id}

    def test_another_organizations_incident_is_a_404(self, client_b, three):
        assert client_b.get(f"{INCIDENTS}/{three[0].human_id}").status_code == 404
        assert client_b.get(INCIDENTS).json()["data"] == []
        assert (
            client_b.post(f"{INCIDENTS}/{three[0].human_id}/status", {"status": "investigating"}).status_code
            == 404
        )


class TestDetail:
    def test_detail_has_threats_timeline_and_sections(self, client_a, three):
        ssh = three[2]
        data = client_a.get(f"{INCIDENTS}/{ssh.human_id}").json()["data"]
        assert data["incident"]["incident_id"] == ssh.human_id
        assert data["incident"]["event_count"] == 12
        assert [t["type"] for t in data["threats"]] == ["brute_force_attack"]
        assert data["ai_analysis"] is None
        events = [e["event"] for e in data["timeline"]]
        assert "threat_detected" in events
        assert "first_activity" in events
        assert isinstance(data["sections"], dict)


class TestLifecycle:
    def test_status_moves_along_the_lifecycle_recording_who_and_when(
        self, client_a, admin_a, three, django_capture_on_commit_callbacks
    ):
        incident = three[0]
        received = []

        def receiver(sender, incident, created, **kwargs):
            received.append((incident.human_id, incident.status, created))

        incident_saved.connect(receiver)
        try:
            for status in ("investigating", "contained", "resolved"):
                with django_capture_on_commit_callbacks(execute=True):
                    response = client_a.post(
                        f"{INCIDENTS}/{incident.human_id}/status", {"status": status, "note": "n"}
                    )
                assert response.status_code == 200, response.content
                assert response.json()["data"]["status"] == status
        finally:
            incident_saved.disconnect(receiver)
        incident.refresh_from_db()
        assert incident.status == "resolved"
        assert incident.status_changed_by == admin_a.user
        assert incident.status_changed_at is not None
        changes = IncidentActivity.objects.for_organization(incident.organization).filter(
            incident=incident, kind="status_changed"
        )
        assert [(a.data["previous"], a.data["status"], a.actor_email) for a in changes] == [
            ("open", "investigating", admin_a.user.email),
            ("investigating", "contained", admin_a.user.email),
            ("contained", "resolved", admin_a.user.email),
        ]
        assert (
            AuditEvent.objects.for_organization(incident.organization)
            .filter(action="incident.status_changed")
            .count()
            == 3
        )
        assert [r[1] for r in received] == ["investigating", "contained", "resolved"]

    def test_a_move_the_lifecycle_forbids_is_400_and_changes_nothing(self, client_a, three):
        incident = three[0]
        client_a.post(f"{INCIDENTS}/{incident.human_id}/status", {"status": "resolved"})
        response = client_a.post(f"{INCIDENTS}/{incident.human_id}/status", {"status": "contained"})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
        incident.refresh_from_db()
        assert incident.status == "resolved"

    def test_false_positive_and_reopen(self, client_a, three):
        incident = three[1]
        assert (
            client_a.post(f"{INCIDENTS}/{incident.human_id}/status", {"status": "false_positive"}).status_code
            == 200
        )
        assert (
            client_a.post(f"{INCIDENTS}/{incident.human_id}/status", {"status": "open"}).json()["data"][
                "status"
            ]
            == "open"
        )

    def test_viewers_read_but_may_not_change(self, viewer_a, three):
        client = client_for(viewer_a)
        assert client.get(f"{INCIDENTS}/{three[0].human_id}").status_code == 200
        assert (
            client.post(f"{INCIDENTS}/{three[0].human_id}/status", {"status": "investigating"}).status_code
            == 403
        )


class TestAssignmentAndComments:
    def test_assign_to_a_member_and_unassign(self, client_a, org_a, three):
        analyst = MembershipFactory(organization=org_a, role=Role.EDITOR)
        url = f"{INCIDENTS}/{three[0].human_id}/assign"
        data = client_a.post(url, {"assignee_id": str(analyst.user_id)}, format="json").json()["data"]
        assert data["assignee"] == analyst.user.email
        assert (
            client_a.get(INCIDENTS, {"assignee_id": str(analyst.user_id)}).json()["data"][0]["incident_id"]
            == three[0].human_id
        )
        assert client_a.post(url, {"assignee_id": None}, format="json").json()["data"]["assignee"] is None

    def test_someone_outside_the_organization_cannot_be_assigned(self, client_a, admin_b, three):
        response = client_a.post(
            f"{INCIDENTS}/{three[0].human_id}/assign", {"assignee_id": str(admin_b.user_id)}, format="json"
        )
        assert response.status_code == 400
        three[0].refresh_from_db()
        assert three[0].assignee is None

    def test_comments(self, client_a, admin_a, three):
        url = f"{INCIDENTS}/{three[0].human_id}/comments"
        assert client_a.post(url, {"body": "Blocked at the WAF"}).status_code == 201
        assert client_a.post(url, {"body": "   "}).status_code == 400
        rows = client_a.get(url).json()["data"]
        assert [(r["author"], r["body"]) for r in rows] == [(admin_a.user.email, "Blocked at the WAF")]


class TestCorrelationAndMerge:
    def test_threats_sharing_a_file_hash_join_one_incident(self, org_a):
        from datetime import UTC, datetime

        now = datetime.now(UTC).isoformat()
        download = {
            "eventid": "cowrie.session.file_download",
            "url": "http://203.0.113.50/bot.sh",
            "shasum": "a" * 64,
            "session": "s1",
            "dst_ip": "192.0.2.10",
            "timestamp": now,
            "message": "Downloaded",
        }
        ingest(org_a, [{**download, "src_ip": "203.0.113.61"}], "cowrie")
        ingest(org_a, [{**download, "src_ip": "203.0.113.62", "session": "s2"}], "cowrie")
        incidents = Incident.objects.for_organization(org_a)
        assert incidents.count() == 1
        assert Threat.objects.for_organization(org_a).values("source_ip").distinct().count() == 2

    def test_different_sources_keep_their_own_incidents(self, org_a, three):
        assert Incident.objects.for_organization(org_a).count() == 3

    def test_merge_moves_threats_with_an_audit_trail(self, client_a, org_a, admin_a, three):
        web, fake, ssh = three
        response = client_a.post(
            f"{INCIDENTS}/merge", {"target_id": web.human_id, "source_ids": [str(ssh.pk)]}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["data"]["threat_count"] == 2
        ssh.refresh_from_db()
        assert (ssh.merged_into_id, ssh.status, ssh.threat_count) == (web.pk, "resolved", 0)
        assert Threat.objects.for_organization(org_a).filter(incident=web).count() == 2
        merged = IncidentActivity.objects.for_organization(org_a).get(incident=web, kind="merged")
        assert merged.actor_email == admin_a.user.email
        assert list(merged.data["merged"]) == [ssh.human_id]
        assert len(merged.data["merged"][ssh.human_id]) == 1
        assert AuditEvent.objects.for_organization(org_a).filter(action="incident.merged").exists()
        # A merged incident cannot be merged again.
        again = client_a.post(
            f"{INCIDENTS}/merge", {"target_id": fake.human_id, "source_ids": [ssh.human_id]}, format="json"
        )
        assert again.status_code == 409

    def test_merge_validation(self, client_a, client_b, three):
        web = three[0]
        same = client_a.post(
            f"{INCIDENTS}/merge", {"target_id": web.human_id, "source_ids": [web.human_id]}, format="json"
        )
        assert same.status_code == 400
        other = client_b.post(
            f"{INCIDENTS}/merge",
            {"target_id": web.human_id, "source_ids": [three[1].human_id]},
            format="json",
        )
        assert other.status_code == 404

    def test_similar_ranks_by_shared_observables_and_techniques(self, client_a, org_a, three):
        web, fake, ssh = three
        rows = client_a.get(f"{INCIDENTS}/{web.human_id}/similar").json()["data"]
        assert rows[0]["incident"]["incident_id"] == fake.human_id  # same technique (T1190), same target
        assert "T1190" in rows[0]["shared_techniques"]
        assert ssh.human_id not in [r["incident"]["incident_id"] for r in rows]


class TestAnalystViews:
    def test_context_is_compact_and_complete(self, client_a, three):
        ssh = three[2]
        data = client_a.get(f"{INCIDENTS}/{ssh.human_id}/context").json()["data"]
        assert data["incident_id"] == ssh.human_id
        assert data["observables"]["ip"] == ["203.0.113.5"]
        assert data["observables"]["user"] == ["root"]
        assert data["mitre"][0]["technique"] == "T1110.001"
        assert "Credential Access" in data["mitre"][0]["tactics"]
        assert len(data["recent_events"]) == 12

    def test_threat_status(self, client_a, org_a, three):
        web = three[0]
        incident_from(org_a, "198.51.100.10")  # the same source again, joining the open incident
        data = client_a.get(f"{INCIDENTS}/{web.human_id}/threat-status").json()["data"]
        assert data["contained"] is False
        assert data["threats"]["total"] >= 1
        assert data["open_threats"]
        assert data["recurrence"]["source_ip"] == "198.51.100.10"

    def test_ai_analysis_with_the_local_provider(self, client_a, org_a, three):
        ssh = three[2]
        response = client_a.post(f"{INCIDENTS}/{ssh.human_id}/ai-analysis")
        assert response.status_code == 200, response.content
        analysis = response.json()["data"]["ai_analysis"]
        assert analysis["provider"] == "local"
        assert "brute_force_attack" in analysis["summary"]
        assert "password-guessing" in analysis["likely_cause"]
        actions = {a["action"]: a["params"] for a in analysis["recommended_actions"]}
        assert actions["block_ip"]["ip"] == "203.0.113.5"
        assert actions["reset_passwords"]["users"] == ["root"]
        # Deterministic: the same incident gets the same analysis.
        again = client_a.post(f"{INCIDENTS}/{ssh.human_id}/ai-analysis").json()["data"]["ai_analysis"]
        assert {k: v for k, v in again.items() if k != "generated_at"} == {
            k: v for k, v in analysis.items() if k != "generated_at"
        }
        detail = client_a.get(f"{INCIDENTS}/{ssh.human_id}").json()["data"]
        assert detail["ai_analysis"]["summary"] == analysis["summary"]

    def test_timeline_buckets_events_and_threats(self, client_a, three):
        data = client_a.get(f"{INCIDENTS}/timeline", {"interval": "hour"}).json()["data"]
        assert sum(b["events"] for b in data["buckets"]) == 14
        assert sum(b["threats"] for b in data["buckets"]) == 3
        assert client_a.get(f"{INCIDENTS}/timeline", {"interval": "minute"}).status_code == 400

    def test_attack_paths_follow_the_kill_chain(self, client_a, org_a):
        from datetime import UTC, datetime

        now = datetime.now(UTC).isoformat()
        base = {"src_ip": "203.0.113.70", "dst_ip": "192.0.2.10", "session": "k1", "timestamp": now}
        ingest(
            org_a,
            [
                {**base, "eventid": "cowrie.command.input", "input": "uname -a", "message": "CMD: uname -a"},
                {
                    **base,
                    "eventid": "cowrie.command.input",
                    "input": "history -c",
                    "message": "CMD: history -c",
                },
            ],
            "cowrie",
        )
        ingest(org_a, brute_force_lines("203.0.113.70"), "sshd")
        paths = client_a.get(f"{INCIDENTS}/attack-paths").json()["data"]["paths"]
        path = next(p for p in paths if p["source"] == "203.0.113.70" and p["depth"] > 1)
        stages = [s["stage"] for s in path["steps"]]
        assert stages == sorted(stages)
        assert path["steps"][0]["tactic_id"]
        assert path["threat_ids"]


def test_sql_helper_makes_one_threat(org_a):
    ingest(org_a, [sqli_line("198.51.100.99")], "web")
    assert Threat.objects.for_organization(org_a).filter(source_ip="198.51.100.99").count() == 1
