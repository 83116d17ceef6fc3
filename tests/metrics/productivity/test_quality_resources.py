"""The productivity creators register with the quality gates and make what they say."""

import pytest

from metrics.productivity.models import Dashboard
from tests.metrics.productivity import quality_resources  # noqa: F401  (registers the creators)
from tests.quality.resources import RESOURCES, VIEWER_ALLOWED, make_tenant


def test_every_productivity_path_with_an_id_has_a_creator():
    for template in (
        "/api/v1/dashboards/{id}",
        "/api/v1/metrics/alert-rules/{id}",
        "/api/v1/metrics/alerts/{id}",
        "/api/v1/reports/{id}",
        "/api/v1/mcp/config/{organization_id}",
    ):
        assert template in RESOURCES
    assert "POST /api/v1/reports/export" in VIEWER_ALLOWED


@pytest.mark.django_db
def test_the_dashboard_creator_makes_an_organization_dashboard_of_the_tenant():
    tenant = make_tenant("Probe")

    created = RESOURCES["/api/v1/dashboards/{id}"](tenant)

    assert (
        Dashboard.objects.for_organization(tenant.organization).get(pk=created["id"]).scope == "organization"
    )
