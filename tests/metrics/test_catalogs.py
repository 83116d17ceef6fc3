"""Catalogs: the default one every organization starts with, CRUD, one active, tenancy, roles."""

import collections

import pytest

from metrics.catalog_template import template_metrics
from metrics.models import Catalog, FrameworkCategory, Metric
from organizations.services import organization_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_default_catalog_covers_every_category_of_both_frameworks_twice():
    per_category = collections.Counter((m["framework"], m["category"]) for m in template_metrics())
    every_category = set(FrameworkCategory.objects.values_list("framework_id", "code"))

    assert len(every_category) == 22 + 19
    assert set(per_category) == every_category
    assert min(per_category.values()) >= 2
    for metric in template_metrics():
        assert metric["unit"]
        assert metric["direction"] in ("higher_is_better", "lower_is_better")
        assert metric["priority"] in ("High", "Medium", "Low")
        assert len(metric["description"]) > 40


def test_a_new_organization_starts_with_the_default_catalog():
    owner = UserFactory()

    organization = organization_create(name="Fresh Org", owner=owner)

    catalog = Catalog.objects.for_organization(organization).get()
    metrics = Metric.objects.for_organization(organization).filter(catalog=catalog)
    assert catalog.is_active
    assert catalog.is_default
    assert metrics.count() == len(template_metrics())
    assert set(metrics.values_list("category__code", flat=True)) == set(
        FrameworkCategory.objects.values_list("code", flat=True)
    )
    assert metrics.filter(metric_number="PR-001").exists()
    assert metrics.filter(metric_number="AI-GV-001").exists()


def test_default_catalog_is_given_once(catalog_a, org_a):
    from metrics.services.catalogs import catalog_create_default

    again = catalog_create_default(organization=org_a)

    assert again.pk == catalog_a.pk
    assert Catalog.objects.for_organization(org_a).count() == 1


def test_list_catalogs_is_paginated_with_metric_counts(client_a, catalog_a):
    response = client_a.get("/api/v1/catalogs")

    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["pagination"]["total"] == 1
    row = body["data"][0]
    assert row["id"] == str(catalog_a.pk)
    assert row["is_active"] is True
    assert row["metric_count"] == len(template_metrics())


def test_create_update_activate_and_delete_a_catalog(client_a, catalog_a, org_a):
    created = client_a.post(
        "/api/v1/catalogs",
        {"name": "Q4 Security Metrics", "description": "Custom catalog for Q4"},
        format="json",
    )
    assert created.status_code == 201
    new = created.json()["data"]
    assert new["is_active"] is False
    assert new["metric_count"] == 0

    renamed = client_a.patch(f"/api/v1/catalogs/{new['id']}", {"name": "Q1 Metrics"}, format="json")
    assert renamed.json()["data"]["name"] == "Q1 Metrics"

    activated = client_a.post(f"/api/v1/catalogs/{new['id']}/activate")
    assert activated.json()["data"] == {"message": "Catalog activated", "catalog_id": new["id"]}
    assert list(
        Catalog.objects.for_organization(org_a).filter(is_active=True).values_list("name", flat=True)
    ) == ["Q1 Metrics"]

    active = client_a.get("/api/v1/catalogs/active/metrics").json()["data"]
    assert active["catalog"]["id"] == new["id"]
    assert active["total"] == 0

    assert client_a.delete(f"/api/v1/catalogs/{catalog_a.pk}").status_code == 204
    assert not Metric.objects.for_organization(org_a).exists()


def test_the_active_catalog_cannot_be_deleted(client_a, catalog_a):
    response = client_a.delete(f"/api/v1/catalogs/{catalog_a.pk}")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"
    assert Catalog.objects.for_organization(catalog_a.organization).filter(pk=catalog_a.pk).exists()


def test_duplicate_catalog_name_is_a_conflict(client_a, catalog_a):
    response = client_a.post("/api/v1/catalogs", {"name": catalog_a.name.upper()}, format="json")

    assert response.status_code == 409


def test_catalog_detail_lists_its_metrics(client_a, catalog_a):
    data = client_a.get(f"/api/v1/catalogs/{catalog_a.pk}").json()["data"]

    assert len(data["metrics"]) == data["metric_count"] == len(template_metrics())
    assert data["metrics"][0]["metric_number"] == "AI-GV-001"


def test_create_with_default_metrics_copies_the_template(client_a, catalog_a):
    data = client_a.post(
        "/api/v1/catalogs", {"name": "Copy", "include_default_metrics": True}, format="json"
    ).json()["data"]

    assert data["metric_count"] == len(template_metrics())


def test_another_organizations_catalog_is_404(client_b, catalog_a, catalog_b):
    for response in (
        client_b.get(f"/api/v1/catalogs/{catalog_a.pk}"),
        client_b.patch(f"/api/v1/catalogs/{catalog_a.pk}", {"name": "x"}, format="json"),
        client_b.post(f"/api/v1/catalogs/{catalog_a.pk}/activate"),
        client_b.delete(f"/api/v1/catalogs/{catalog_a.pk}"),
    ):
        assert response.status_code == 404
    assert [c["id"] for c in client_b.get("/api/v1/catalogs").json()["data"]] == [str(catalog_b.pk)]


def test_viewer_reads_but_cannot_write_catalogs(client_viewer_a, catalog_a):
    assert client_viewer_a.get("/api/v1/catalogs").status_code == 200
    assert client_viewer_a.post("/api/v1/catalogs", {"name": "Mine"}, format="json").status_code == 403
    assert client_viewer_a.post(f"/api/v1/catalogs/{catalog_a.pk}/activate").status_code == 403
    assert (
        client_viewer_a.patch(f"/api/v1/catalogs/{catalog_a.pk}", {"name": "x"}, format="json").status_code
        == 403
    )


def test_editor_cannot_switch_the_active_catalog(client_editor_a, catalog_a):
    other = client_editor_a.post("/api/v1/catalogs", {"name": "Editors"}, format="json").json()["data"]

    assert client_editor_a.post(f"/api/v1/catalogs/{other['id']}/activate").status_code == 403


def test_demo_loader_measures_the_default_catalog_once(org_a, admin_a):
    from metrics import demo
    from metrics.models import MetricValue

    demo.load(organization=org_a, admin=admin_a.user)
    values = dict(Metric.objects.for_organization(org_a).values_list("pk", "current_value"))
    points = MetricValue.objects.for_organization(org_a).count()
    demo.load(organization=org_a, admin=admin_a.user)

    assert None not in values.values()
    assert points == 4 * len(values)
    assert dict(Metric.objects.for_organization(org_a).values_list("pk", "current_value")) == values
    assert MetricValue.objects.for_organization(org_a).count() == points
