"""Metrics: numbers, filters, history, locking, tenancy and roles."""

import pytest

from metrics.models import Metric, MetricValue

pytestmark = pytest.mark.django_db

NEW = {
    "name": "New Security Metric",
    "description": "Description of the metric",
    "current_value": 75,
    "target_value": 90,
    "unit": "%",
    "direction": "higher_is_better",
    "csf_function": "PROTECT",
    "csf_category": "PR.AA",
    "priority": "High",
}


def test_create_assigns_the_next_number_per_function(client_a, catalog_a):
    first = client_a.post("/api/v1/metrics", NEW, format="json")
    second = client_a.post(
        "/api/v1/metrics",
        {**NEW, "name": "Another", "csf_function": "DE", "csf_category": "DE.CM"},
        format="json",
    )

    assert first.status_code == 201
    pr_count = Metric.objects.for_organization(catalog_a.organization).filter(function__code="PR").count()
    data = first.json()["data"]
    assert data["metric_number"] == f"PR-{pr_count:03d}"
    assert data["csf_function"] == "PROTECT"
    assert data["csf_category"] == "PR.AA"
    assert data["score"] == 83.3
    assert data["rating"] == "Low"
    assert second.json()["data"]["metric_number"].startswith("DE-")


def test_create_with_a_mismatched_mapping_changes_nothing(client_a, catalog_a):
    before = Metric.objects.for_organization(catalog_a.organization).count()

    response = client_a.post("/api/v1/metrics", {**NEW, "csf_function": "DETECT"}, format="json")
    unknown = client_a.post("/api/v1/metrics", {**NEW, "csf_category": "PR.ZZ"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"]["fields"]["csf_function"]
    assert unknown.status_code == 400
    assert Metric.objects.for_organization(catalog_a.organization).count() == before


def test_list_filters_and_paginates(client_a, catalog_a):
    page = client_a.get("/api/v1/metrics", {"page_size": 10}).json()
    by_function = client_a.get("/api/v1/metrics", {"function": "PR", "page_size": 100}).json()["data"]
    by_name = client_a.get("/api/v1/metrics", {"function": "protect", "page_size": 100}).json()["data"]
    by_category = client_a.get("/api/v1/metrics", {"category": "pr.aa"}).json()["data"]
    by_priority = client_a.get("/api/v1/metrics", {"priority": "high", "function": "RC"}).json()["data"]
    searched = client_a.get("/api/v1/metrics", {"search": "phishing"}).json()["data"]

    assert len(page["data"]) == 10
    assert (
        page["meta"]["pagination"]["total"] == Metric.objects.for_organization(catalog_a.organization).count()
    )
    assert by_function
    assert {m["function_code"] for m in by_function} == {"PR"}
    assert by_name == by_function
    assert {m["csf_category"] for m in by_category} == {"PR.AA"}
    assert [m["name"] for m in by_priority] == ["Recovery Time Objective Attainment"]
    assert [m["name"] for m in searched] == ["Phishing Simulation Click Rate"]


def test_list_query_count_does_not_grow_with_rows(client_a, catalog_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(12 + 8):  # + the plan's API-call meter (billing throttle)
        client_a.get("/api/v1/metrics", {"page_size": 100})


def test_changing_current_value_appends_history(client_a, catalog_a):
    metric = Metric.objects.for_organization(catalog_a.organization).get(name="MFA Adoption Rate")

    client_a.patch(f"/api/v1/metrics/{metric.pk}", {"current_value": 82}, format="json")
    client_a.patch(
        f"/api/v1/metrics/{metric.pk}", {"priority": "Medium"}, format="json"
    )  # no value change, no point
    client_a.patch(f"/api/v1/metrics/{metric.pk}", {"current_value": 85}, format="json")
    detail = client_a.get(f"/api/v1/metrics/{metric.pk}").json()["data"]

    assert [p["value"] for p in detail["history"]] == [85, 82]
    assert detail["current_value"] == 85
    assert detail["priority"] == "Medium"
    assert detail["score"] == 85.9


def test_locked_metric_rejects_edits_until_an_admin_unlocks_it(client_a, client_editor_a, catalog_a):
    metric = Metric.objects.for_organization(catalog_a.organization).get(name="MFA Adoption Rate")

    assert (
        client_editor_a.patch(f"/api/v1/metrics/{metric.pk}", {"is_locked": True}, format="json").status_code
        == 403
    )
    assert (
        client_a.patch(f"/api/v1/metrics/{metric.pk}", {"is_locked": True}, format="json").status_code == 200
    )

    edit = client_editor_a.patch(f"/api/v1/metrics/{metric.pk}", {"current_value": 50}, format="json")
    admin_edit = client_a.patch(
        f"/api/v1/metrics/{metric.pk}", {"current_value": 50, "is_locked": False}, format="json"
    )
    unlock_by_editor = client_editor_a.patch(
        f"/api/v1/metrics/{metric.pk}", {"is_locked": False}, format="json"
    )
    delete = client_a.delete(f"/api/v1/metrics/{metric.pk}")

    assert edit.status_code == 409
    assert edit.json()["error"]["code"] == "CONFLICT"
    assert admin_edit.status_code == 409
    assert unlock_by_editor.status_code == 403
    assert delete.status_code == 409
    metric.refresh_from_db()
    assert metric.is_locked
    assert metric.current_value is None
    assert not MetricValue.objects.for_organization(catalog_a.organization).filter(metric=metric).exists()

    assert (
        client_a.patch(f"/api/v1/metrics/{metric.pk}", {"is_locked": False}, format="json").status_code == 200
    )
    assert (
        client_editor_a.patch(
            f"/api/v1/metrics/{metric.pk}", {"current_value": 50}, format="json"
        ).status_code
        == 200
    )


def test_delete_metric(client_a, catalog_a):
    metric = Metric.objects.for_organization(catalog_a.organization).first()

    assert client_a.delete(f"/api/v1/metrics/{metric.pk}").status_code == 204
    assert not Metric.objects.for_organization(catalog_a.organization).filter(pk=metric.pk).exists()


def test_another_organizations_metric_is_404(client_b, catalog_a, catalog_b):
    metric = Metric.objects.for_organization(catalog_a.organization).first()

    assert client_b.get(f"/api/v1/metrics/{metric.pk}").status_code == 404
    assert (
        client_b.patch(f"/api/v1/metrics/{metric.pk}", {"current_value": 1}, format="json").status_code == 404
    )
    assert client_b.delete(f"/api/v1/metrics/{metric.pk}").status_code == 404
    assert client_b.get("/api/v1/metrics", {"catalog": str(catalog_a.pk)}).json()["data"] == []
    metric.refresh_from_db()
    assert metric.current_value is None


def test_creating_in_another_organizations_catalog_is_404(client_b, catalog_a, catalog_b):
    response = client_b.post("/api/v1/metrics", {**NEW, "catalog_id": str(catalog_a.pk)}, format="json")

    assert response.status_code == 404


def test_viewer_cannot_write_metrics(client_viewer_a, catalog_a):
    metric = Metric.objects.for_organization(catalog_a.organization).first()

    assert client_viewer_a.get("/api/v1/metrics").status_code == 200
    assert client_viewer_a.post("/api/v1/metrics", NEW, format="json").status_code == 403
    assert (
        client_viewer_a.patch(f"/api/v1/metrics/{metric.pk}", {"current_value": 1}, format="json").status_code
        == 403
    )
    assert client_viewer_a.delete(f"/api/v1/metrics/{metric.pk}").status_code == 403


def test_an_api_key_with_write_scope_records_values_without_a_person(api_client, catalog_a, admin_a):
    from organizations.services import api_key_create

    _key, raw = api_key_create(
        organization=catalog_a.organization, name="collector", scopes=["read", "write"], actor=admin_a.user
    )
    api_client.credentials(HTTP_X_API_KEY=raw)
    metric = Metric.objects.for_organization(catalog_a.organization).get(name="EDR Coverage")

    created = api_client.post("/api/v1/metrics", NEW, format="json")
    updated = api_client.patch(f"/api/v1/metrics/{metric.pk}", {"current_value": 97}, format="json")
    provider_config = api_client.post(
        "/api/v1/ai-providers/configurations",
        {"provider_code": "openai", "credentials": {"api_key": "sk-x"}},
        format="json",
    )

    assert created.status_code == 201
    assert updated.status_code == 200
    point = MetricValue.objects.for_organization(catalog_a.organization).get(metric=metric)
    assert (point.value, point.recorded_by) == (97, None)
    assert provider_config.status_code == 403  # provider configurations belong to people
