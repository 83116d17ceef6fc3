"""analytics/dashboard and analytics/metrics: database aggregates, percentiles against a fixture
computed by hand."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from incidents.analytics.selectors import percentile, statistics_of
from incidents.models import Event, Threat

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def threat(
    org,
    n,
    *,
    detected_at,
    status="detected",
    response_s=None,
    threat_type="sql_injection",
    synthetic=False,
    impact=100,
):
    return Threat.objects.create(
        organization=org,
        human_id=f"THR-2026-{n:04d}",
        threat_type=threat_type,
        title=threat_type,
        severity="high",
        confidence=0.9,
        status=status,
        impact_usd=Decimal(impact),
        detector="sigma",
        dedupe_key=f"k{n}",
        synthetic=synthetic,
        first_seen_at=detected_at,
        last_seen_at=detected_at,
        detected_at=detected_at,
        mitigated_at=detected_at + timedelta(seconds=response_s) if response_s is not None else None,
    )


def test_percentiles_match_a_hand_computed_fixture():
    # Ten values 1..10: rank = (n-1) q = 9q; p50 -> rank 4.5 -> 5 + 0.5 = 5.5;
    # p95 -> rank 8.55 -> 9 + 0.55 x (10-9) = 9.55; p99 -> rank 8.91 -> 9.91.
    values = [7.0, 1.0, 10.0, 3.0, 5.0, 2.0, 9.0, 4.0, 8.0, 6.0]
    assert statistics_of(values) == {
        "min": 1.0,
        "max": 10.0,
        "avg": 5.5,
        "p50": 5.5,
        "p95": 9.55,
        "p99": 9.91,
    }
    assert percentile([4.0], 99) == 4.0
    assert statistics_of([])["p50"] is None


class TestMetrics:
    @pytest.fixture
    def series(self, org_a):
        # Response times per hour bucket on 2026-11-20: 10:00 -> 10 s and 30 s (avg 20), 11:00 -> 40 s,
        # 12:00 -> 15 s, 13:00 -> 60 s and 100 s (avg 80). A false positive and an open threat do not count.
        base = datetime(2026, 11, 20, 10, 5, tzinfo=UTC)
        rows = [(0, 10), (0, 30), (1, 40), (2, 15), (3, 60), (3, 100)]
        for n, (hour, seconds) in enumerate(rows, start=1):
            threat(org_a, n, detected_at=base + timedelta(hours=hour), status="mitigated", response_s=seconds)
        threat(org_a, 20, detected_at=base, status="false_positive")
        threat(org_a, 21, detected_at=base + timedelta(hours=2))
        return org_a

    def test_response_time_points_and_statistics(self, client_a, series):
        response = client_a.get(
            "/api/v1/analytics/metrics",
            {
                "metric": "response_time",
                "from_date": "2026-11-20T09:00:00Z",
                "to_date": "2026-11-20T15:00:00Z",
                "interval": "hour",
            },
        )
        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert data["unit"] == "seconds"
        assert [(p["timestamp"][:13], p["value"]) for p in data["data_points"]] == [
            ("2026-11-20T10", 20.0),
            ("2026-11-20T11", 40.0),
            ("2026-11-20T12", 15.0),
            ("2026-11-20T13", 80.0),
        ]
        # sorted 15, 20, 40, 80: avg 38.75; p50 rank 1.5 -> 30; p95 rank 2.85 -> 40 + 0.85 x 40 = 74;
        # p99 rank 2.97 -> 40 + 0.97 x 40 = 78.8
        assert data["statistics"] == {
            "min": 15.0,
            "max": 80.0,
            "avg": 38.75,
            "p50": 30.0,
            "p95": 74.0,
            "p99": 78.8,
        }

    def test_counts_fill_empty_buckets_and_rates(self, client_a, series):
        window = {"from_date": "2026-11-20T09:00:00Z", "to_date": "2026-11-20T14:00:00Z", "interval": "hour"}
        counts = client_a.get("/api/v1/analytics/metrics", {"metric": "threats_detected", **window}).json()[
            "data"
        ]
        assert [p["value"] for p in counts["data_points"]] == [0, 3, 1, 2, 2]
        rates = client_a.get("/api/v1/analytics/metrics", {"metric": "false_positive_rate", **window}).json()[
            "data"
        ]
        assert [p["value"] for p in rates["data_points"]] == [round(1 / 3, 4), 0, 0, 0]

    def test_detection_rate_and_events(self, client_a, org_a):
        stamp = datetime(2026, 11, 20, 10, 1, tzinfo=UTC)
        Event.objects.bulk_create(
            [Event(organization=org_a, source_type="web", timestamp=stamp, raw="x") for _ in range(500)]
        )
        threat(org_a, 1, detected_at=stamp)
        window = {"from_date": "2026-11-20T10:00:00Z", "to_date": "2026-11-20T11:00:00Z", "interval": "hour"}
        rate = client_a.get("/api/v1/analytics/metrics", {"metric": "detection_rate", **window}).json()[
            "data"
        ]
        assert [p["value"] for p in rate["data_points"]] == [2.0]  # 1 threat per 500 events = 2 per 1,000
        events = client_a.get("/api/v1/analytics/metrics", {"metric": "events_ingested", **window}).json()[
            "data"
        ]
        assert events["statistics"]["max"] == 500

    @pytest.mark.parametrize(
        "query",
        [
            {"metric": "nope"},
            {"metric": "response_time", "interval": "minute"},
            {
                "metric": "response_time",
                "from_date": "2026-11-20T10:00:00Z",
                "to_date": "2026-11-20T09:00:00Z",
            },
            {
                "metric": "response_time",
                "from_date": "2000-01-01T00:00:00Z",
                "to_date": "2026-01-01T00:00:00Z",
            },
        ],
    )
    def test_bad_queries_are_validation_errors(self, client_a, query):
        response = client_a.get("/api/v1/analytics/metrics", query)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_dashboard_today_and_this_week(client_a, org_a, django_assert_max_num_queries):
    from incidents.analytics.selectors import dashboard

    now = datetime.now(UTC).replace(hour=12)
    today = now - timedelta(hours=1)
    threat(org_a, 1, detected_at=today, status="mitigated", response_s=10, impact=1000)
    threat(
        org_a,
        2,
        detected_at=today,
        status="mitigated",
        response_s=30,
        impact=500,
        threat_type="brute_force_attack",
    )
    threat(org_a, 3, detected_at=today, status="false_positive")
    threat(org_a, 4, detected_at=now - timedelta(days=3), status="mitigated", response_s=60)
    threat(org_a, 5, detected_at=now - timedelta(days=3))
    threat(org_a, 6, detected_at=now - timedelta(days=9), status="mitigated", response_s=1)  # last week
    threat(org_a, 7, detected_at=today, synthetic=True)  # simulated: left out
    with django_assert_max_num_queries(3):
        data = dashboard(org_a, now=now)
    assert data["today"]["threats_detected"] == 3
    assert data["today"]["threats_mitigated"] == 2
    assert data["today"]["false_positives"] == 1
    assert data["today"]["avg_response_time_s"] == 20.0
    assert data["today"]["total_impact_prevented_usd"] == 1500.0
    assert data["today"]["success_rate"] == 1.0
    assert data["this_week"]["threats_detected"] == 5
    assert data["this_week"]["threats_mitigated"] == 3
    assert data["this_week"]["avg_response_time_s"] == round((10 + 30 + 60) / 3, 3)
    assert data["this_week"]["success_rate"] == 0.75
    assert data["top_threats"][0] == {"type": "sql_injection", "count": 4}
    body = client_a.get("/api/v1/analytics/dashboard").json()["data"]
    assert set(body) == {"today", "this_week", "top_threats", "generated_at"}
