"""GET metrics/productivity (raw and aggregated at each granularity) and GET metrics/agents,
against hand-computed fixtures (the formulas are in metrics/productivity/selectors/metrics.py)."""

from datetime import UTC, datetime

import pytest

from metrics.productivity.models import AgentExecution, ProductivityMetric

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/productivity"


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def commits(org_a, editor_a, team_a):
    """2026-11-02 is a Monday. Values: 1 and 3 at 09:xx, 2 at 14:00, 4 on Wed 11-04, 10 on Tue 11-10,
    5 on Tue 12-01; plus one `deploys` row and one row of another organization."""
    rows = [
        (at(2026, 11, 2, 9, 10), 1, editor_a.user_id),
        (at(2026, 11, 2, 9, 50), 3, editor_a.user_id),
        (at(2026, 11, 2, 14, 0), 2, None),
        (at(2026, 11, 4, 8, 0), 4, None),
        (at(2026, 11, 10, 12, 0), 10, None),
        (at(2026, 12, 1, 0, 0), 5, None),
    ]
    ProductivityMetric.objects.bulk_create(
        ProductivityMetric(
            organization=org_a, timestamp=ts, metric_type="commits", value=v, user_id=u, team=team_a
        )
        for ts, v, u in rows
    )
    ProductivityMetric.objects.create(
        organization=org_a, timestamp=at(2026, 11, 2, 9, 0), metric_type="deploys", value=7
    )


def buckets(client, aggregation, **params):
    response = client.get(URL, {"aggregation": aggregation, "metric_type": "commits", **params})
    assert response.status_code == 200, response.content
    return [
        (row["timestamp"], row["count"], row["sum"], row["avg"], row["min"], row["max"], row["value"])
        for row in response.json()["data"]
    ]


class TestAggregation:
    def test_hour(self, client_a, commits):
        assert buckets(client_a, "hour") == [
            ("2026-11-02T09:00:00Z", 2, 4.0, 2.0, 1.0, 3.0, 4.0),
            ("2026-11-02T14:00:00Z", 1, 2.0, 2.0, 2.0, 2.0, 2.0),
            ("2026-11-04T08:00:00Z", 1, 4.0, 4.0, 4.0, 4.0, 4.0),
            ("2026-11-10T12:00:00Z", 1, 10.0, 10.0, 10.0, 10.0, 10.0),
            ("2026-12-01T00:00:00Z", 1, 5.0, 5.0, 5.0, 5.0, 5.0),
        ]

    def test_day(self, client_a, commits):
        assert buckets(client_a, "day") == [
            ("2026-11-02T00:00:00Z", 3, 6.0, 2.0, 1.0, 3.0, 6.0),
            ("2026-11-04T00:00:00Z", 1, 4.0, 4.0, 4.0, 4.0, 4.0),
            ("2026-11-10T00:00:00Z", 1, 10.0, 10.0, 10.0, 10.0, 10.0),
            ("2026-12-01T00:00:00Z", 1, 5.0, 5.0, 5.0, 5.0, 5.0),
        ]

    def test_week_starts_on_monday(self, client_a, commits):
        assert buckets(client_a, "week") == [
            ("2026-11-02T00:00:00Z", 4, 10.0, 2.5, 1.0, 4.0, 10.0),
            ("2026-11-09T00:00:00Z", 1, 10.0, 10.0, 10.0, 10.0, 10.0),
            ("2026-11-30T00:00:00Z", 1, 5.0, 5.0, 5.0, 5.0, 5.0),
        ]

    def test_month(self, client_a, commits):
        assert buckets(client_a, "month") == [
            ("2026-11-01T00:00:00Z", 5, 20.0, 4.0, 1.0, 10.0, 20.0),
            ("2026-12-01T00:00:00Z", 1, 5.0, 5.0, 5.0, 5.0, 5.0),
        ]

    def test_filters_narrow_the_buckets(self, client_a, commits, editor_a):
        assert buckets(client_a, "day", user_id=str(editor_a.user_id)) == [
            ("2026-11-02T00:00:00Z", 2, 4.0, 2.0, 1.0, 3.0, 4.0)
        ]
        assert buckets(
            client_a, "month", start_date="2026-11-04T00:00:00Z", end_date="2026-12-01T00:00:00Z"
        ) == [("2026-11-01T00:00:00Z", 2, 14.0, 7.0, 4.0, 10.0, 14.0)]

    def test_percentiles_are_null_where_the_database_has_none(self, client_a, commits):
        row = client_a.get(URL, {"aggregation": "month", "metric_type": "commits"}).json()["data"][0]

        assert (row["p50"], row["p95"]) == (None, None)  # SQLite; PostgreSQL: tests/integration

    def test_buckets_are_per_metric_type(self, client_a, commits):
        rows = client_a.get(URL, {"aggregation": "day", "end_date": "2026-11-03T00:00:00Z"}).json()["data"]

        assert [(r["metric_type"], r["sum"]) for r in rows] == [("commits", 6.0), ("deploys", 7.0)]


class TestRawRows:
    def test_newest_first_with_pagination_and_only_our_rows(self, client_a, client_b, commits):
        response = client_a.get(URL, {"metric_type": "commits", "page_size": 2})

        body = response.json()
        assert [r["value"] for r in body["data"]] == [5.0, 10.0]
        assert body["meta"]["pagination"] == {"page": 1, "page_size": 2, "total": 6, "pages": 3}
        assert client_b.get(URL).json()["data"] == []

    @pytest.mark.parametrize(
        "params",
        [
            {"aggregation": "year"},
            {"start_date": "2026-12-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"},
            {"user_id": "x"},
        ],
    )
    def test_bad_parameters_are_400(self, client_a, params):
        response = client_a.get(URL, params)

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"


class TestAgentStatistics:
    def test_counts_success_rate_and_latency_per_agent(self, client_a, org_a, editor_a):
        runs = [
            ("reviewer", True, 100, "s1", 10),
            ("reviewer", True, 300, "s1", 20),
            ("reviewer", False, 500, "s2", None),
            ("tester", True, 1000, "", None),
        ]
        AgentExecution.objects.bulk_create(
            AgentExecution(
                organization=org_a,
                timestamp=at(2026, 11, 2, 9),
                agent_name=name,
                success=ok,
                execution_time_ms=ms,
                session_id=session,
                tokens_used=tokens,
                user_id=editor_a.user_id,
            )
            for name, ok, ms, session, tokens in runs
        )

        data = client_a.get("/api/v1/metrics/agents").json()["data"]

        reviewer = next(a for a in data["agents"] if a["agent_name"] == "reviewer")
        assert (reviewer["executions"], reviewer["successes"], reviewer["failures"]) == (3, 2, 1)
        assert reviewer["success_rate"] == 66.67  # 2 / 3 x 100
        assert (reviewer["avg_ms"], reviewer["min_ms"], reviewer["max_ms"]) == (300.0, 100, 500)
        assert (reviewer["sessions"], reviewer["tokens_used"]) == (2, 30)
        assert data["totals"]["executions"] == 4
        assert data["totals"]["success_rate"] == 75.0
        only_ok = client_a.get(
            "/api/v1/metrics/agents", {"success_only": "true", "agent_name": "reviewer"}
        ).json()
        assert only_ok["data"]["totals"]["executions"] == 2
