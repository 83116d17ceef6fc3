"""The posture pages: scores, inline metric updates, history, export, import preview, assistant."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metrics.models import Metric, MetricValue
from organizations.models import Role
from tests.factories import MembershipFactory
from tests.web.conftest import browser_for

pytestmark = pytest.mark.django_db


def first_metric(catalog):
    return (
        Metric.objects.for_organization(catalog.organization_id)
        .filter(catalog=catalog)
        .order_by("metric_number")
        .first()
    )


def test_posture_shows_both_frameworks_and_every_metric_of_the_default_catalog(browser_a, catalog_a):
    html = browser_a.get("/posture").content.decode()
    count = Metric.objects.for_organization(catalog_a.organization_id).count()
    assert f"{count} metrics in {catalog_a.name}" in html
    assert 'data-function="GV"' in html  # CSF 2.0
    assert 'data-function="GOVERN"' in html  # AI RMF
    assert html.count('data-chart="functions"') == 2
    assert html.count('class="inline-update"') == min(count, 25)  # editable rows, first page


def test_inline_update_changes_the_metric_its_history_and_asks_for_fresh_scores(browser_a, catalog_a):
    metric = first_metric(catalog_a)
    before = browser_a.get("/posture/scores").content.decode()
    response = browser_a.post(
        f"/posture/metrics/{metric.pk}/value", {"current_value": "50"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "scores-changed"
    assert f'id="metric-{metric.pk}"' in response.content.decode()
    metric.refresh_from_db()
    assert metric.current_value == 50
    assert (
        MetricValue.objects.for_organization(catalog_a.organization_id)
        .filter(metric=metric, value=50)
        .exists()
    )
    after = browser_a.get("/posture/scores").content.decode()
    assert after != before
    assert '<span class="score-value">' in after


def test_a_bad_value_is_refused_and_changes_nothing(browser_a, catalog_a):
    metric = first_metric(catalog_a)
    response = browser_a.post(f"/posture/metrics/{metric.pk}/value", {"current_value": "lots"})
    assert response.status_code == 422
    assert "number" in response.content.decode().lower()
    metric.refresh_from_db()
    assert metric.current_value is None
    assert "HX-Trigger" not in response


def test_viewers_cannot_update_metrics(org_a, catalog_a):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER)
    browser = browser_for(viewer)
    metric = first_metric(catalog_a)
    assert 'class="inline-update"' not in browser.get("/posture").content.decode()
    assert browser.post(f"/posture/metrics/{metric.pk}/value", {"current_value": "1"}).status_code == 403
    metric.refresh_from_db()
    assert metric.current_value is None


def test_another_organizations_metric_is_not_found(browser_a, catalog_a, catalog_b):
    foreign = first_metric(catalog_b)
    assert browser_a.get(f"/posture/metrics/{foreign.pk}").status_code == 404
    assert browser_a.post(f"/posture/metrics/{foreign.pk}/value", {"current_value": "1"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.current_value is None


def test_metric_page_charts_its_history(browser_a, catalog_a):
    metric = first_metric(catalog_a)
    for value in ("20", "40"):
        browser_a.post(f"/posture/metrics/{metric.pk}/value", {"current_value": value})
    html = browser_a.get(f"/posture/metrics/{metric.pk}").content.decode()
    assert 'data-chart="history"' in html
    assert '"values": [20.0, 40.0]' in html


def test_filters_narrow_the_table(browser_a, catalog_a):
    html = browser_a.get("/posture?function=GOVERN", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html  # htmx gets the table alone
    numbers = {
        m.metric_number
        for m in Metric.objects.for_organization(catalog_a.organization_id).filter(function__code="GOVERN")
    }
    assert numbers
    assert all(n in html for n in sorted(numbers)[:5])
    protect = Metric.objects.for_organization(catalog_a.organization_id).filter(function__code="PR").first()
    assert f">{protect.metric_number}<" not in html


def test_export_streams_the_filtered_metrics_as_csv(browser_a, catalog_a):
    response = browser_a.get("/posture/export.csv?priority=High")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    high = Metric.objects.for_organization(catalog_a.organization_id).filter(priority="High").count()
    assert len(body.strip().splitlines()) == high + 1


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("metrics.csv", text.encode(), content_type="text/csv")


def test_import_previews_then_imports_on_confirmation(browser_a, catalog_a):
    before = Metric.objects.for_organization(catalog_a.organization_id).count()
    csv_text = "name,target_value,csf_category\nPhishing click rate,5,PR.AT\nPatch latency,14,PR.PS\n"
    preview = browser_a.post("/posture/import", {"file": csv_upload(csv_text)})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "<strong>2</strong> row(s) will be imported" in html
    assert Metric.objects.for_organization(catalog_a.organization_id).count() == before  # a dry run
    done = browser_a.post("/posture/import", {"confirm": "1"})
    assert done.status_code == 302
    assert Metric.objects.for_organization(catalog_a.organization_id).count() == before + 2


def test_import_shows_per_row_errors_and_imports_nothing(browser_a, catalog_a):
    before = Metric.objects.for_organization(catalog_a.organization_id).count()
    csv_text = "name,target_value,csf_category\nGood one,5,PR.AT\n,7,PR.AT\nBad target,lots,PR.AT\n"
    response = browser_a.post("/posture/import", {"file": csv_upload(csv_text)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Missing required field: name" in html
    assert "<td>4</td>" in html  # the row number of the bad target
    assert Metric.objects.for_organization(catalog_a.organization_id).count() == before


def test_assistant_answers_in_the_panel(browser_a, catalog_a):
    response = browser_a.post("/posture/assistant", {"mode": "report", "prompt": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Answered by local" in html
    assert "<html" not in html


def test_posture_without_an_active_catalog_explains_what_to_do(browser_a):
    html = browser_a.get("/posture").content.decode()
    assert "No active catalog" in html
