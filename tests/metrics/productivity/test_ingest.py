"""Ingestion: metrics/productivity and metrics/agents batches, mcp/metrics/collect and mcp/config."""

import pytest

from metrics.productivity.models import AgentExecution, MetricBatch, ProductivityMetric
from realtime.models import Event
from tests.metrics.productivity.conftest import api_key

URL = "/api/v1/metrics/productivity"
AGENTS = "/api/v1/metrics/agents"
COLLECT = "/api/v1/mcp/metrics/collect"

pytestmark = pytest.mark.django_db


def metric(**extra):
    return {"timestamp": "2026-11-02T10:15:00Z", "metric_type": "commits", "value": 3, **extra}


def execution(**extra):
    return {
        "agent_name": "code-reviewer",
        "command": "review PR 42",
        "execution_time_ms": 1200,
        "success": True,
        "error_details": None,
        "timestamp": "2026-11-02T10:15:00Z",
        **extra,
    }


def stored(org):
    return ProductivityMetric.objects.for_organization(org)


class TestProductivityIngest:
    def test_valid_items_are_stored_and_invalid_ones_reported_with_reasons(self, client_a, org_a, editor_a):
        response = client_a.post(
            URL,
            [
                metric(user=str(editor_a.user_id), metadata={"repo": "api"}),
                metric(user=editor_a.user.email.upper(), value=5),
                {"timestamp": "yesterday", "metric_type": "commits", "value": 1},
                metric(user="nobody@example.com"),
            ],
            format="json",
        )

        assert response.status_code == 201, response.content
        body = response.json()["data"]
        assert (body["accepted"], body["rejected"], body["duplicates"]) == (2, 2, 0)
        assert [e["index"] for e in body["errors"]] == [2, 3]
        assert "timestamp" in body["errors"][0]["reasons"]
        assert "not an active member" in body["errors"][1]["reasons"]["non_field_errors"][0]
        rows = stored(org_a).order_by("value")
        assert [(r.value, r.user_id, r.metadata) for r in rows] == [
            (3.0, editor_a.user_id, {"repo": "api"}),
            (5.0, editor_a.user_id, {}),
        ]
        assert str(rows[0].batch_id) == body["batch_id"]

    def test_the_client_id_makes_a_resend_a_no_op(self, client_a, org_a):
        first = client_a.post(URL, [metric(id="m-1"), metric(id="m-2")], format="json").json()["data"]
        again = client_a.post(URL, [metric(id="m-1"), metric(id="m-3"), metric(id="m-3")], format="json")

        assert first["accepted"] == 2
        assert (again.json()["data"]["accepted"], again.json()["data"]["duplicates"]) == (1, 2)
        assert sorted(stored(org_a).values_list("client_id", flat=True)) == ["m-1", "m-2", "m-3"]

    def test_a_user_in_one_team_counts_for_it_and_an_explicit_team_wins(
        self, client_a, org_a, editor_a, team_a, team_a2
    ):
        client_a.post(
            URL,
            [
                metric(user=str(editor_a.user_id)),
                metric(user=str(editor_a.user_id), team=str(team_a2.pk), value=9),
            ],
            format="json",
        )

        assert dict(stored(org_a).values_list("value", "team_id")) == {3.0: team_a.pk, 9.0: team_a2.pk}

    def test_another_organizations_team_is_refused(self, client_a, org_a, team_b):
        response = client_a.post(URL, [metric(team=str(team_b.pk)), metric(value=8)], format="json")

        body = response.json()["data"]
        assert body["rejected"] == 1
        assert "not a team of the organization" in body["errors"][0]["reasons"]["non_field_errors"][0]
        assert list(stored(org_a).values_list("value", flat=True)) == [8.0]

    def test_a_batch_over_the_cap_is_413_and_stores_nothing(self, client_a, org_a, settings):
        settings.PRODUCTIVITY_MAX_BATCH_ITEMS = 3

        response = client_a.post(URL, [metric()] * 4, format="json")

        assert response.status_code == 413
        assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
        assert not stored(org_a).exists()
        assert not MetricBatch.objects.for_organization(org_a).exists()

    @pytest.mark.parametrize("body", [{"metric_type": "x"}, [], "text"])
    def test_a_body_that_is_not_a_list_of_items_is_400(self, client_a, body, org_a):
        response = client_a.post(URL, body, format="json")

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
        assert not MetricBatch.objects.for_organization(org_a).exists()

    def test_viewers_may_not_ingest_but_an_ingest_key_may(self, client_viewer_a, org_a, key_client):
        assert client_viewer_a.post(URL, [metric()], format="json").status_code == 403
        assert key_client(api_key(org_a, "read")).post(URL, [metric()], format="json").status_code == 403

        response = key_client(api_key(org_a, "ingest")).post(URL, [metric()], format="json")

        assert response.status_code == 201
        assert stored(org_a).count() == 1

    def test_an_accepted_batch_publishes_metric_ingested_and_metrics_collected(
        self, client_a, org_a, editor_a, team_a
    ):
        body = client_a.post(
            URL,
            [
                metric(user=str(editor_a.user_id)),
                metric(user=str(editor_a.user_id)),
                metric(metric_type="deploys"),
            ],
            format="json",
        ).json()["data"]

        events = Event.objects.for_organization(org_a).order_by("created_at")
        ingested = [
            (e.payload["metric_type"], e.payload["count"], e.rooms)
            for e in events.filter(event_type="metric_ingested")
        ]
        assert sorted(ingested) == [
            ("commits", 2, []),
            ("commits", 2, [f"team:{team_a.pk}"]),
            ("deploys", 1, []),
        ]
        collected = events.get(event_type="metrics.collected")
        assert collected.payload == {"batch_id": body["batch_id"], "metric_count": 3}

    def test_a_batch_with_nothing_valid_is_400_and_stores_and_publishes_nothing(self, client_a, org_a):
        response = client_a.post(
            URL, [{"metric_type": "x"}, metric(timestamp="1900-01-01T00:00:00Z")], format="json"
        )

        assert response.status_code == 400
        assert [e["index"] for e in response.json()["error"]["details"]["errors"]] == [0, 1]
        assert not MetricBatch.objects.for_organization(org_a).exists()
        assert not Event.objects.for_organization(org_a).exists()

    def test_a_resend_of_known_items_only_is_a_201_with_duplicates(self, client_a, org_a):
        client_a.post(URL, [metric(id="m-1")], format="json")

        again = client_a.post(URL, [metric(id="m-1")], format="json")

        assert again.status_code == 201
        assert (again.json()["data"]["accepted"], again.json()["data"]["duplicates"]) == (0, 1)
        assert stored(org_a).count() == 1


class TestAgentsIngest:
    def test_executions_are_stored_with_tokens_and_cost(self, client_a, org_a, editor_a):
        response = client_a.post(
            AGENTS,
            [
                execution(user=editor_a.user.email, tokens_used=1500, cost_usd="0.0123", session_id="s1"),
                execution(success=False, error_details="timeout", execution_time_ms=-1),
            ],
            format="json",
        )

        body = response.json()["data"]
        assert response.status_code == 201
        assert (body["accepted"], body["rejected"]) == (1, 1)
        assert "execution_time_ms" in body["errors"][0]["reasons"]
        run = AgentExecution.objects.for_organization(org_a).get()
        assert (run.user_id, run.tokens_used, str(run.cost_usd), run.session_id) == (
            editor_a.user_id,
            1500,
            "0.012300",
            "s1",
        )


class TestMcpCollect:
    SEED_BODY = {
        "session_id": "sess-7",
        "user_identifier": "dev@example.com",
        "agent_name": "test-runner",
        "command": "pytest -q",
        "execution_time_ms": 5400,
        "success": False,
        "error_details": "2 failed",
        "metadata": {"model": "claude"},
        "timestamp": "2026-11-02T10:15:00Z",
    }

    def test_an_mcp_key_sends_the_seed_body_and_gets_a_batch_id(self, mcp_key_a, key_client, org_a):
        response = key_client(mcp_key_a).post(COLLECT, self.SEED_BODY, format="json")

        assert response.status_code == 201, response.content
        batch = MetricBatch.objects.for_organization(org_a).get(pk=response.json()["data"]["batch_id"])
        assert batch.source == "mcp"
        assert batch.api_key_prefix
        run = AgentExecution.objects.for_organization(org_a).get()
        assert (run.user_identifier, run.user_id, run.error_details, run.success) == (
            "dev@example.com",
            None,
            "2 failed",
            False,
        )

    def test_the_identifier_of_a_member_links_the_run_to_them(self, mcp_key_a, key_client, org_a, editor_a):
        key_client(mcp_key_a).post(
            COLLECT, [{**self.SEED_BODY, "user_identifier": editor_a.user.email}], format="json"
        )

        assert AgentExecution.objects.for_organization(org_a).get().user_id == editor_a.user_id

    @pytest.mark.parametrize("scopes", [("ingest",), ("read", "write")])
    def test_a_key_without_the_mcp_scope_is_refused(self, org_a, key_client, scopes):
        response = key_client(api_key(org_a, *scopes)).post(COLLECT, self.SEED_BODY, format="json")

        assert response.status_code == 403
        assert not AgentExecution.objects.for_organization(org_a).exists()

    def test_people_and_anonymous_callers_are_refused(self, client_a, api_client):
        assert client_a.post(COLLECT, self.SEED_BODY, format="json").status_code == 403
        assert api_client.post(COLLECT, self.SEED_BODY, format="json").status_code == 401

    def test_past_the_ingest_rate_the_organization_gets_429(self, mcp_key_a, key_client, org_a, settings):
        settings.RATE_LIMIT_RESOLVER = ""
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ingest": "2/m", "burst": "100/s"}
        client = key_client(mcp_key_a)
        other_key_same_org = key_client(api_key(org_a, "mcp"))

        codes = [client.post(COLLECT, self.SEED_BODY, format="json").status_code for _ in range(2)]
        refused = other_key_same_org.post(COLLECT, self.SEED_BODY, format="json")

        assert codes == [201, 201]
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "RATE_LIMITED"
        assert refused["X-RateLimit-Limit"] == "2"
        assert refused["Retry-After"]
        assert AgentExecution.objects.for_organization(org_a).count() == 2


class TestMcpConfig:
    def test_an_admin_gets_endpoints_and_the_prefixes_of_mcp_keys(self, client_a, org_a, mcp_key_a):
        api_key(org_a, "ingest")

        response = client_a.get(f"/api/v1/mcp/config/{org_a.pk}")

        assert response.status_code == 200
        data = response.json()["data"]
        assert data["endpoints"]["collect"].endswith("/api/v1/mcp/metrics/collect")
        assert len(data["auth"]["keys"]) == 1  # the ingest-only key is not an MCP key
        assert data["auth"]["keys"][0]["prefix"] in mcp_key_a
        assert mcp_key_a not in response.content.decode()
        assert data["collection"]["max_batch_items"] == 1000

    def test_another_organization_is_404_and_non_admins_403(self, client_a, org_b, client_editor_a, org_a):
        assert client_a.get(f"/api/v1/mcp/config/{org_b.pk}").status_code == 404
        assert client_editor_a.get(f"/api/v1/mcp/config/{org_a.pk}").status_code == 403
