"""Alert rules: CRUD and validation, and firing on ingestion (threshold and deviation), once per spike."""

from datetime import UTC, datetime, timedelta

import pytest

from metrics.productivity.models import AlertRule, ProductivityAlert, ProductivityMetric
from metrics.productivity.services.alerts import alert_rule_create, alerts_evaluate, window_start
from realtime.models import Event

pytestmark = pytest.mark.django_db
RULES = "/api/v1/metrics/alert-rules"
INGEST = "/api/v1/metrics/productivity"


def rule_body(**extra):
    return {
        "name": "Too many rollbacks",
        "metric_type": "rollbacks",
        "condition": "threshold",
        "threshold": 10,
        "window_minutes": 60,
        "severity": "high",
        **extra,
    }


class TestRuleCrud:
    def test_managers_create_editors_read(self, client_manager_a, client_editor_a, org_a):
        created = client_manager_a.post(RULES, rule_body(), format="json")

        assert created.status_code == 201, created.content
        assert client_editor_a.post(RULES, rule_body(), format="json").status_code == 403
        assert [r["name"] for r in client_editor_a.get(RULES).json()["data"]] == ["Too many rollbacks"]
        rule_id = created.json()["data"]["id"]
        changed = client_manager_a.patch(f"{RULES}/{rule_id}", {"threshold": 20}, format="json")
        assert changed.status_code == 200
        assert changed.json()["data"]["threshold"] == 20.0
        assert client_manager_a.delete(f"{RULES}/{rule_id}").status_code == 204
        assert not AlertRule.objects.for_organization(org_a).exists()

    @pytest.mark.parametrize(
        "body",
        [
            rule_body(threshold=None),
            rule_body(condition="deviation", threshold=None),
            rule_body(direction="both"),
            rule_body(severity="apocalyptic"),
            rule_body(window_minutes=0),
            rule_body(metric_type="has spaces"),
        ],
    )
    def test_invalid_rules_are_400_and_not_stored(self, client_a, org_a, body):
        response = client_a.post(RULES, body, format="json")

        assert response.status_code == 400
        assert not AlertRule.objects.for_organization(org_a).exists()

    def test_a_rule_for_another_organizations_team_is_400(self, client_a, team_b):
        assert client_a.post(RULES, rule_body(team_id=str(team_b.pk)), format="json").status_code == 400


def post(client, capture, *items):
    with capture(execute=True):
        response = client.post(
            INGEST, [{"metric_type": "rollbacks", **item} for item in items], format="json"
        )
    assert response.status_code == 201, response.content


class TestFiring:
    def test_a_threshold_rule_fires_exactly_once_for_one_spike(
        self, client_a, org_a, editor_a, django_capture_on_commit_callbacks
    ):
        rule = alert_rule_create(organization=org_a, created_by=None, **{**rule_body(), "threshold": 10.0})
        user = str(editor_a.user_id)

        post(
            client_a,
            django_capture_on_commit_callbacks,
            {"timestamp": "2026-11-02T10:05:00Z", "value": 6, "user": user},
        )
        assert not ProductivityAlert.objects.for_organization(org_a).exists()  # 6 is not above 10
        post(client_a, django_capture_on_commit_callbacks, {"timestamp": "2026-11-02T10:20:00Z", "value": 6})
        post(client_a, django_capture_on_commit_callbacks, {"timestamp": "2026-11-02T10:40:00Z", "value": 5})

        alert = ProductivityAlert.objects.for_organization(org_a).get()
        assert (alert.rule_id, alert.metric_value, alert.threshold, alert.affected_users) == (
            rule.pk,
            12.0,
            10.0,
            [user],
        )
        assert alert.window_start == datetime(2026, 11, 2, 10, tzinfo=UTC)
        triggered = Event.objects.for_organization(org_a).get(event_type="alert_triggered")
        assert triggered.rooms == ["alerts"]
        assert {
            k: triggered.payload[k]
            for k in ("alert_id", "rule_name", "severity", "metric_value", "threshold", "affected_users")
        } == {
            "alert_id": str(alert.pk),
            "rule_name": "Too many rollbacks",
            "severity": "high",
            "metric_value": 12.0,
            "threshold": 10.0,
            "affected_users": [user],
        }
        hook = Event.objects.for_organization(org_a).get(event_type="alert.triggered")
        assert hook.payload["alert"] == {
            "id": str(alert.pk),
            "name": "Too many rollbacks",
            "severity": "high",
            "metric_value": 12.0,
            "threshold": 10.0,
        }

    def test_a_below_threshold_rule(self, org_a):
        rule = alert_rule_create(
            organization=org_a, created_by=None, **rule_body(direction="below", threshold=3)
        )
        ProductivityMetric.objects.create(
            organization=org_a,
            metric_type="rollbacks",
            value=2,
            timestamp=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        )

        fired = alerts_evaluate(
            organization_id=org_a.pk,
            metric_types=["rollbacks"],
            period_start=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
            period_end=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        )

        assert [(a.rule_id, a.metric_value) for a in fired] == [(rule.pk, 2.0)]

    def test_a_deviation_rule_fires_on_the_spike_and_not_on_normal_hours(self, org_a):
        alert_rule_create(
            organization=org_a,
            created_by=None,
            **rule_body(condition="deviation", threshold=None, deviations=3, baseline_windows=7),
        )
        start = datetime(2026, 11, 2, 0, tzinfo=UTC)
        hourly = [10, 12, 11, 9, 10, 11, 10, 30, 11]
        ProductivityMetric.objects.bulk_create(
            ProductivityMetric(
                organization=org_a,
                metric_type="rollbacks",
                value=v,
                timestamp=start + timedelta(hours=h, minutes=5),
            )
            for h, v in enumerate(hourly)
        )

        fired = alerts_evaluate(
            organization_id=org_a.pk,
            metric_types=["rollbacks"],
            period_start=start,
            period_end=start + timedelta(hours=8, minutes=5),
        )

        # hours 0-3: fewer than 4 of 7 baseline hours hold data; 4-6 and 8: within 3 sigma; hour 7: baseline 0-6:
        # mean = 73 / 7 = 10.4286, population stddev = 0.9035, bound = 10.4286 + 3 x 0.9035 = 13.139.
        assert [(a.window_start.hour, a.metric_value, round(a.threshold, 3)) for a in fired] == [
            (7, 30.0, 13.139)
        ]
        assert round(fired[0].baseline_mean, 4) == 10.4286
        again = alerts_evaluate(
            organization_id=org_a.pk,
            metric_types=["rollbacks"],
            period_start=start,
            period_end=start + timedelta(hours=8, minutes=5),
        )
        assert again == []

    def test_window_starts_align_on_the_epoch(self):
        moment = datetime(2026, 11, 2, 10, 47, 13, tzinfo=UTC)

        assert window_start(moment, 60) == datetime(2026, 11, 2, 10, tzinfo=UTC)
        assert window_start(moment, 15) == datetime(2026, 11, 2, 10, 45, tzinfo=UTC)
        assert window_start(moment, 1440) == datetime(2026, 11, 2, tzinfo=UTC)


def test_alerts_are_listed_and_acknowledged(client_a, client_viewer_a, org_a):
    rule = alert_rule_create(organization=org_a, created_by=None, **rule_body())
    ProductivityMetric.objects.create(
        organization=org_a, metric_type="rollbacks", value=50, timestamp=datetime(2026, 11, 2, 9, tzinfo=UTC)
    )
    alerts_evaluate(
        organization_id=org_a.pk,
        metric_types=["rollbacks"],
        period_start=datetime(2026, 11, 2, 9, tzinfo=UTC),
        period_end=datetime(2026, 11, 2, 9, tzinfo=UTC),
    )

    listed = client_viewer_a.get("/api/v1/metrics/alerts", {"acknowledged": "false"}).json()["data"]
    assert [(a["rule_id"], a["metric_value"]) for a in listed] == [(str(rule.pk), 50.0)]
    assert client_viewer_a.post(f"/api/v1/metrics/alerts/{listed[0]['id']}/acknowledge").status_code == 403
    acknowledged = client_a.post(f"/api/v1/metrics/alerts/{listed[0]['id']}/acknowledge")
    assert acknowledged.json()["data"]["acknowledged_at"] is not None
    assert client_a.get("/api/v1/metrics/alerts", {"acknowledged": "false"}).json()["data"] == []
