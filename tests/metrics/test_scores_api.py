"""Roll-ups: priority-weighted means per category, function and overall; trend over a window."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.models import Catalog, Metric, MetricValue
from metrics.services.catalogs import catalog_activate, catalog_create
from metrics.services.metrics import metric_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_catalog(org_a, admin_a):
    catalog = catalog_create(organization=org_a, owner=admin_a.user, name="Small")
    catalog_activate(catalog=catalog)

    def add(name, category, current, target, priority, direction="higher_is_better"):
        return metric_create(
            organization=org_a,
            catalog=catalog,
            user=admin_a.user,
            name=name,
            csf_category=category,
            current_value=current,
            target_value=target,
            priority=priority,
            direction=direction,
        )

    add("MFA", "PR.AA", 95, 95, "High")  # 100
    add("Dormant accounts", "PR.AA", 4, 0, "Low", "lower_is_better")  # 20
    add("Patch", "PR.PS", 45, 90, "Medium")  # 50
    add("Unmeasured", "PR.PS", None, 90, "High")  # left out
    add("EDR", "DE.CM", 99, 99, "High")  # 100
    return catalog


def test_overview_rolls_up_by_priority(client_a, small_catalog):
    data = client_a.get("/api/v1/scores/overview").json()["data"]

    functions = {f["code"]: f for f in data["functions"]}
    # PR: (100*3 + 20*1 + 50*2) / 6 = 70.0
    assert functions["PR"]["score"] == 70.0
    assert functions["PR"]["rating"] == "Moderate"
    assert (functions["PR"]["metric_count"], functions["PR"]["scored_count"]) == (4, 3)
    assert functions["DE"]["score"] == 100.0
    assert functions["DE"]["rating"] == "Very Low"
    assert functions["GV"]["score"] is None
    assert functions["GV"]["metric_count"] == 0
    # overall: (300 + 20 + 100 + 300) / 9 = 80.0
    assert data["overall_score"] == 80.0
    assert data["overall_rating"] == "Low"
    assert data["catalog"] == {"id": str(small_catalog.pk), "name": "Small", "metric_count": 5}
    assert data["framework"]["id"] == "csf-2.0"


def test_function_detail_lists_metrics_below_target_with_gap(client_a, small_catalog):
    data = client_a.get("/api/v1/scores/functions/PR").json()["data"]

    assert data["function"]["code"] == "PR"
    assert data["function"]["name"] == "PROTECT"
    categories = {c["code"]: c for c in data["categories"]}
    assert categories["PR.AA"]["score"] == 80.0  # (300 + 20) / 4
    assert categories["PR.PS"]["score"] == 50.0
    assert categories["PR.DS"]["metric_count"] == 0
    below = [(m["name"], m["score"], m["gap"]) for m in data["metrics_below_target"]]
    # the biggest priority-weighted shortfall first: (100-50)*2 > (100-20)*1
    assert below == [("Patch", 50.0, 45.0), ("Dormant accounts", 20.0, 4.0)]


def test_function_detail_by_name_and_unknown_function(client_a, small_catalog):
    assert client_a.get("/api/v1/scores/functions/protect").json()["data"]["function"]["code"] == "PR"
    assert client_a.get("/api/v1/scores/functions/XX").status_code == 404


def test_category_scores_filter_by_function(client_a, small_catalog):
    rows = client_a.get("/api/v1/scores/categories", {"function": "DE"}).json()["data"]["categories"]

    assert [(r["code"], r["score"]) for r in rows] == [("DE.CM", 100.0), ("DE.AE", None)]


def test_trend_compares_with_the_value_at_the_window_start(client_a, small_catalog, org_a):
    patch = Metric.objects.for_organization(org_a).get(catalog=small_catalog, name="Patch")
    MetricValue.objects.for_organization(org_a).filter(metric=patch).update(
        recorded_at=timezone.now() - timedelta(days=40)
    )
    edr = Metric.objects.for_organization(org_a).get(catalog=small_catalog, name="EDR")
    MetricValue.objects.for_organization(org_a).filter(metric=edr).update(
        recorded_at=timezone.now() - timedelta(days=40)
    )
    client_a.patch(f"/api/v1/metrics/{patch.pk}", {"current_value": 90}, format="json")  # 50 -> 100
    client_a.patch(f"/api/v1/metrics/{edr.pk}", {"current_value": 49.5}, format="json")  # 100 -> 50

    functions = {f["code"]: f for f in client_a.get("/api/v1/scores/overview").json()["data"]["functions"]}
    longer = {
        f["code"]: f
        for f in client_a.get("/api/v1/scores/overview", {"window_days": 60}).json()["data"]["functions"]
    }

    assert functions["PR"]["trend"] == "up"
    assert functions["DE"]["trend"] == "down"
    assert longer["PR"]["trend"] == "stable"  # no value as far back as 60 days: nothing to compare
    assert client_a.get("/api/v1/scores/overview", {"window_days": "0"}).status_code == 400


def test_scores_for_ai_rmf_and_another_catalog(client_a, catalog_a, small_catalog):
    data = client_a.get(
        "/api/v1/scores/overview", {"framework": "ai_rmf", "catalog": str(catalog_a.pk)}
    ).json()["data"]

    assert [f["code"] for f in data["functions"]] == ["GOVERN", "MAP", "MEASURE", "MANAGE"]
    assert data["catalog"]["id"] == str(catalog_a.pk)
    assert data["overall_score"] is None  # the default catalog starts unmeasured


def test_scores_of_another_organizations_catalog_are_404(client_b, catalog_b, small_catalog):
    assert client_b.get("/api/v1/scores/overview", {"catalog": str(small_catalog.pk)}).status_code == 404


def test_viewer_can_read_scores(client_viewer_a, small_catalog):
    assert client_viewer_a.get("/api/v1/scores/overview").status_code == 200


def test_scores_without_an_active_catalog_explain_why(client_b, org_b):
    assert not Catalog.objects.for_organization(org_b).exists()

    response = client_b.get("/api/v1/scores/overview")

    assert response.status_code == 400
    assert "no active catalog" in response.json()["error"]["message"]
