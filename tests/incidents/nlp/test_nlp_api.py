"""nlp/* through the API: answers from the organization's own incidents, semantic ranking, narratives."""

import pytest
from django.utils import timezone

from incidents.models import Incident
from incidents.nlp.models import QueryLog, SearchDocument
from incidents.nlp.search import incident_index
from incidents.signals import incident_saved
from tests.incidents.ml.data import make_incident

pytestmark = pytest.mark.django_db


def _ask(client, question):
    response = client.post("/api/v1/nlp/query", {"query": question}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_a_question_is_answered_with_its_interpretation(client_a, client_b, org_a, org_b):
    now = timezone.now()
    hit = make_incident(
        org_a, severity="high", threat_type="brute_force_attack", at=now - timezone.timedelta(days=2)
    )
    make_incident(
        org_a, severity="low", threat_type="brute_force_attack", at=now - timezone.timedelta(days=2)
    )
    make_incident(org_a, severity="high", threat_type="sql_injection", at=now - timezone.timedelta(days=2))
    make_incident(
        org_a, severity="high", threat_type="brute_force_attack", at=now - timezone.timedelta(days=20)
    )
    make_incident(
        org_b, severity="high", threat_type="brute_force_attack", at=now - timezone.timedelta(days=1)
    )
    answer = _ask(client_a, "high severity brute force from last week")
    assert answer["parser"] == "deterministic"
    assert answer["result_type"] == "incidents"
    assert [r["human_id"] for r in answer["results"]] == [hit.human_id]
    assert answer["interpretation"]["filters"]["severity"] == ["high"]
    assert "brute force attack" in answer["interpretation"]["description"]
    assert QueryLog.objects.for_organization(org_a).get().result_count == 1


def test_top_attacking_ips_are_aggregated(client_a, org_a):
    now = timezone.now()
    for _ in range(3):
        make_incident(org_a, source_ip="192.0.2.10", at=now - timezone.timedelta(hours=2))
    make_incident(org_a, source_ip="192.0.2.20", at=now - timezone.timedelta(hours=3))
    answer = _ask(client_a, "top 2 attacking IPs in the last day")
    assert answer["result_type"] == "aggregate"
    assert [(r["key"], r["incidents"]) for r in answer["results"]] == [("192.0.2.10", 3), ("192.0.2.20", 1)]
    count = _ask(client_a, "how many incidents from 192.0.2.10")
    assert count["result_type"] == "count"
    assert count["total"] == 3


def test_bad_input_is_a_validation_error(client_a):
    response = client_a.post("/api/v1/nlp/query", {"query": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_semantic_search_ranks_by_similarity_from_vectors_written_with_the_incident(
    client_a, client_b, org_a, django_capture_on_commit_callbacks
):
    ssh = make_incident(
        org_a, threat_type="brute_force_attack", title="SSH brute force against root from 198.51.100.4"
    )
    web = make_incident(org_a, threat_type="sql_injection", title="SQL injection UNION SELECT on /login")
    make_incident(org_a, threat_type="malware_download", title="Malware download of botnet payload via wget")
    with django_capture_on_commit_callbacks(execute=True):
        for incident in Incident.objects.for_organization(org_a):
            incident_saved.send(sender=Incident, organization=org_a, incident=incident, created=True)
    assert SearchDocument.objects.for_organization(org_a).count() == 6  # 3 incidents + 3 threats
    response = client_a.post(
        "/api/v1/nlp/semantic-search",
        {"query": "ssh root password guessing brute force", "kinds": ["incident"]},
        format="json",
    )
    body = response.json()["data"]
    assert body["results"][0]["id"] == str(ssh.pk)
    assert body["results"][0]["score"] > (body["results"][1]["score"] if len(body["results"]) > 1 else 0)
    sql = client_a.post(
        "/api/v1/nlp/semantic-search", {"query": "union select injection"}, format="json"
    ).json()["data"]
    assert sql["results"][0]["human_id"] in (web.human_id, web.threats.get().human_id)
    other = client_b.post("/api/v1/nlp/semantic-search", {"query": "ssh brute force"}, format="json").json()[
        "data"
    ]
    assert other["results"] == []
    assert other["documents"] == 0


def test_reindexing_is_idempotent(org_a):
    incident = make_incident(org_a)
    assert incident_index(organization=org_a, incident_id=incident.pk) == 2
    assert incident_index(organization=org_a, incident_id=incident.pk) == 2
    assert SearchDocument.objects.for_organization(org_a).count() == 2


def test_threat_analysis_narrates_a_window_and_a_selection(client_a, client_b, org_a):
    now = timezone.now()
    a = make_incident(
        org_a,
        severity="critical",
        source_ip="192.0.2.50",
        threat_type="brute_force_attack",
        at=now - timezone.timedelta(hours=1),
    )
    make_incident(org_a, severity="low", source_ip="192.0.2.50", at=now - timezone.timedelta(hours=2))
    body = client_a.post("/api/v1/nlp/threat-analysis", {"hours": 24}, format="json").json()["data"]
    assert body["facts"]["incidents"] == 2
    assert body["generator"] == "deterministic"
    assert "192.0.2.50" in body["narrative"]
    assert "1 of them are high or critical" in body["narrative"]
    assert any("MFA" in r for r in body["recommendations"])
    chosen = client_a.post(
        "/api/v1/nlp/threat-analysis", {"incident_ids": [str(a.pk)]}, format="json"
    ).json()["data"]
    assert chosen["incident_ids"] == [str(a.pk)]
    foreign = client_b.post("/api/v1/nlp/threat-analysis", {"incident_ids": [str(a.pk)]}, format="json")
    assert foreign.status_code == 404


def test_status_reports_the_parser_and_the_index(client_a, org_a):
    incident_index(organization=org_a, incident_id=make_incident(org_a).pk)
    body = client_a.get("/api/v1/nlp/status").json()["data"]
    assert body["query_parser"] == "deterministic"
    assert body["semantic_search"]["indexed_documents"] == 2
    assert body["semantic_search"]["method"] == "tfidf"


def test_attack_technique_and_status_filters_run_on_the_database(client_a, org_a):
    wanted = make_incident(org_a, techniques=("T1059.004", "T1110"), status="contained")
    make_incident(org_a, techniques=("T1059.004",), status="open")
    make_incident(org_a, techniques=("T1595",), status="contained")
    answer = _ask(client_a, "contained incidents with T1110")
    assert [r["human_id"] for r in answer["results"]] == [wanted.human_id]
    assert _ask(client_a, "incidents with T1059")["total"] == 2


def test_viewers_may_read_status_but_not_post_questions(org_a):
    from organizations.models import Role
    from tests.conftest import client_for
    from tests.factories import MembershipFactory

    viewer = client_for(MembershipFactory(organization=org_a, role=Role.VIEWER))
    assert viewer.get("/api/v1/nlp/status").status_code == 200
    assert viewer.post("/api/v1/nlp/query", {"query": "open incidents"}, format="json").status_code == 403
