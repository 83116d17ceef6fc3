"""Trends (growth rates, insights), team comparison (rankings) and agent outcomes, against
hand-computed fixtures; the formulas are in metrics/productivity/selectors/analytics.py."""

from datetime import UTC, datetime

import pytest

from metrics.productivity.models import AgentExecution, ProductivityMetric
from metrics.productivity.selectors.analytics import comparison_window, competition_ranks, growth_rate
from organizations.models import TeamRole
from tests.factories import MembershipFactory, TeamFactory, TeamMemberFactory

TRENDS = "/api/v1/analytics/productivity-trends"
COMPARISON = "/api/v1/analytics/team-comparison"


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


class TestFormulas:
    @pytest.mark.parametrize(
        ("current", "previous", "rate"),
        [
            (150, 100, 50.0),
            (50, 100, -50.0),
            (2, 3, -33.33),
            (0, -10, 100.0),
            (5, 0, None),
            (0, 0, None),
            (None, 4, -100.0),
        ],
    )
    def test_growth_rate_is_change_over_the_absolute_previous_value(self, current, previous, rate):
        assert growth_rate(current, previous) == rate

    def test_competition_ranking_shares_ranks_and_skips(self):
        ranks = competition_ranks([("a", 20), ("b", 10), ("c", 10), ("d", 5), ("e", None)])

        assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5}
        assert competition_ranks([("a", 20), ("b", 10), ("c", 10)], descending=False) == {
            "b": 1,
            "c": 1,
            "a": 3,
        }

    @pytest.mark.parametrize(
        ("period", "start", "end"),
        [
            ("previous_period", at(2026, 10, 29), at(2026, 11, 2)),
            ("previous_week", at(2026, 10, 26), at(2026, 10, 30)),
            ("previous_month", at(2026, 10, 2), at(2026, 10, 6)),
            ("previous_year", at(2025, 11, 2), at(2025, 11, 6)),
        ],
    )
    def test_comparison_windows(self, period, start, end):
        assert comparison_window(at(2026, 11, 2), at(2026, 11, 6), period) == (start, end)


@pytest.fixture
def history(org_a):
    values = [
        ("commits", at(2026, 10, 30, 12), 7),
        ("commits", at(2026, 10, 31, 12), 7),
        ("reviews", at(2026, 10, 31, 12), 10),
        ("commits", at(2026, 11, 2, 9), 2),
        ("commits", at(2026, 11, 3, 9), 1),
        ("commits", at(2026, 11, 3, 18), 3),
        ("commits", at(2026, 11, 4, 9), 6),
        ("commits", at(2026, 11, 5, 9), 9),
        ("deploys", at(2026, 11, 3, 9), 1),
        ("reviews", at(2026, 11, 4, 9), 5),
        ("commits", at(2026, 11, 6, 0), 100),  # the end is exclusive
    ]
    ProductivityMetric.objects.bulk_create(
        ProductivityMetric(organization=org_a, metric_type=t, timestamp=ts, value=v) for t, ts, v in values
    )


@pytest.mark.django_db
class TestTrends:
    PARAMS = {"start_date": "2026-11-02T00:00:00Z", "end_date": "2026-11-06T00:00:00Z"}

    def test_values_per_period_growth_and_the_comparison_period(self, client_a, history):
        response = client_a.get(TRENDS, self.PARAMS)

        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert (data["comparison_start_date"], data["comparison_end_date"]) == (
            "2026-10-29T00:00:00Z",
            "2026-11-02T00:00:00Z",
        )
        series = {s["metric_type"]: s for s in data["metrics"]}
        commits = series["commits"]
        assert [(p["period"][:10], p["value"], p["count"], p["growth_rate"]) for p in commits["periods"]] == [
            ("2026-11-02", 2.0, 1, None),
            ("2026-11-03", 4.0, 2, 100.0),
            ("2026-11-04", 6.0, 1, 50.0),
            ("2026-11-05", 9.0, 1, 50.0),
        ]
        assert (commits["total"], commits["previous_total"], commits["change"], commits["growth_rate"]) == (
            21.0,
            14.0,
            7.0,
            50.0,
        )
        assert (series["deploys"]["growth_rate"], series["reviews"]["growth_rate"]) == (None, -50.0)
        assert [p["value"] for p in series["deploys"]["periods"]] == [0.0, 1.0, 0.0, 0.0]  # empty days are 0

    def test_insights_name_the_largest_changes_streaks_and_peaks(self, client_a, history):
        insights = client_a.get(TRENDS, self.PARAMS).json()["data"]["insights"]

        assert "commits grew the most: 21 against 14 in the comparison period (+50.00%)." in insights
        assert "reviews fell the most: 5 against 10 (-50.00%)." in insights
        assert "deploys is new in this period: 1, none before." in insights
        assert "commits rose 3 days in a row up to the last one." in insights
        assert "commits peaked in the day of 2026-11-05 at 9." in insights

    def test_weekly_granularity_and_a_team_filter(self, client_a, org_a, team_a, history):
        ProductivityMetric.objects.create(
            organization=org_a, team=team_a, metric_type="commits", timestamp=at(2026, 11, 3), value=4
        )

        data = client_a.get(TRENDS, {**self.PARAMS, "granularity": "week", "team_id": str(team_a.pk)}).json()[
            "data"
        ]

        assert [(s["metric_type"], [p["value"] for p in s["periods"]]) for s in data["metrics"]] == [
            ("commits", [4.0])
        ]

    def test_bad_parameters_are_400(self, client_a):
        assert client_a.get(TRENDS, {"comparison_period": "last_decade"}).status_code == 400
        response = client_a.get(
            TRENDS,
            {"granularity": "hour", "start_date": "2020-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        )
        assert response.status_code == 400


@pytest.mark.django_db
class TestTeamComparison:
    @pytest.fixture
    def teams(self, org_a, team_a, team_a2):
        core = TeamFactory(organization=org_a, name="Core")
        for _ in range(2):
            TeamMemberFactory(
                team=core, user=MembershipFactory(organization=org_a).user, role=TeamRole.MEMBER
            )
        rows = [(team_a, 4), (team_a, 6), (team_a2, 20), (core, 10)]
        ProductivityMetric.objects.bulk_create(
            ProductivityMetric(
                organization=org_a, team=t, metric_type="commits", timestamp=at(2026, 11, 3), value=v
            )
            for t, v in rows
        )
        ProductivityMetric.objects.create(
            organization=org_a, team=core, metric_type="cycle_hours", timestamp=at(2026, 11, 3), value=30
        )
        return {"platform": team_a, "mobile": team_a2, "core": core}

    PARAMS = {
        "start_date": "2026-11-01T00:00:00Z",
        "end_date": "2026-11-08T00:00:00Z",
        "metric_types": "commits",
    }

    def ranking(self, client, **params):
        response = client.get(COMPARISON, {**self.PARAMS, **params})
        assert response.status_code == 200, response.content
        return [
            (r["rank"], r["team_name"], r["value"]) for r in response.json()["data"]["rankings"][0]["teams"]
        ]

    def test_totals_rank_highest_first_and_ties_share_a_rank(self, client_a, teams):
        assert self.ranking(client_a) == [(1, "Mobile", 20.0), (2, "Core", 10.0), (2, "Platform", 10.0)]

    def test_ascending_order_for_lower_is_better_metrics(self, client_a, teams):
        assert self.ranking(client_a, order="asc") == [
            (1, "Core", 10.0),
            (1, "Platform", 10.0),
            (3, "Mobile", 20.0),
        ]

    def test_per_member_ranks_teams_without_members_last(self, client_a, teams):
        assert self.ranking(client_a, statistic="per_member") == [
            (1, "Platform", 10.0),
            (2, "Core", 5.0),
            (3, "Mobile", None),
        ]

    def test_per_team_figures_and_team_ids_narrow_the_teams(self, client_a, teams):
        data = client_a.get(
            COMPARISON, {**self.PARAMS, "team_ids": f"{teams['platform'].pk},{teams['core'].pk}"}
        ).json()["data"]

        assert [t["team_name"] for t in data["teams"]] == ["Core", "Platform"]
        platform = data["teams"][1]
        assert platform["members"] == 1
        assert platform["metrics"] == [
            {"metric_type": "commits", "total": 10.0, "count": 2, "avg": 5.0, "per_member": 10.0}
        ]

    def test_another_organizations_team_is_simply_absent(self, client_a, teams, team_b):
        data = client_a.get(COMPARISON, {**self.PARAMS, "team_ids": str(team_b.pk)}).json()["data"]

        assert data["teams"] == []
        assert data["rankings"] == [{"metric_type": "commits", "teams": []}]


@pytest.mark.django_db
def test_agent_outcomes_put_agent_usage_beside_delivery_metrics(client_a, org_a, team_a):
    AgentExecution.objects.bulk_create(
        AgentExecution(
            organization=org_a,
            team=team_a,
            timestamp=at(2026, 11, 3),
            agent_name="coder",
            success=ok,
            execution_time_ms=100,
            session_id=f"s{n}",
            tokens_used=50,
        )
        for n, ok in enumerate([True, True, True, False])
    )
    ProductivityMetric.objects.bulk_create(
        ProductivityMetric(
            organization=org_a,
            team=team_a,
            metric_type="pr_cycle_time_hours",
            timestamp=at(2026, 11, 3),
            value=v,
        )
        for v in (10, 20)
    )

    response = client_a.get(
        "/api/v1/analytics/agent-outcomes",
        {
            "start_date": "2026-11-01T00:00:00Z",
            "end_date": "2026-11-08T00:00:00Z",
            "delivery_metric_types": "pr_cycle_time_hours",
        },
    )

    team = response.json()["data"]["teams"][0]
    assert (
        team["team_name"],
        team["agents"]["sessions"],
        team["agents"]["success_rate"],
        team["agents"]["tokens_used"],
    ) == ("Platform", 4, 75.0, 200)
    assert team["delivery"] == [
        {"metric_type": "pr_cycle_time_hours", "total": 30.0, "count": 2, "avg": 15.0}
    ]
