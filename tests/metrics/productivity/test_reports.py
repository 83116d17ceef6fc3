"""Report exports: the job, its status, signed expiring links, and files that open with the right rows."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from metrics.productivity.models import AgentExecution, ProductivityMetric, ReportExport

pytestmark = pytest.mark.django_db
EXPORT = "/api/v1/reports/export"
PERIOD = {"start_date": "2026-11-01T00:00:00Z", "end_date": "2026-11-08T00:00:00Z"}


@pytest.fixture
def data(org_a, editor_a, team_a):
    rows = [
        (datetime(2026, 11, 2, 9, tzinfo=UTC), "commits", 3.0, editor_a.user_id, {"repo": "api"}),
        (datetime(2026, 11, 3, 9, tzinfo=UTC), "commits", 5.0, None, {}),
        (datetime(2026, 11, 3, 10, tzinfo=UTC), "=cmd|' /C calc'!A0", 1.0, None, {}),
        (datetime(2026, 11, 20, 9, tzinfo=UTC), "commits", 99.0, None, {}),  # outside the period
    ]
    ProductivityMetric.objects.bulk_create(
        ProductivityMetric(
            organization=org_a, timestamp=ts, metric_type=t, value=v, user_id=u, team=team_a, metadata=m
        )
        for ts, t, v, u, m in rows
    )
    AgentExecution.objects.create(
        organization=org_a,
        timestamp=datetime(2026, 11, 2, tzinfo=UTC),
        agent_name="coder",
        success=True,
        execution_time_ms=250,
        user_identifier="dev@example.com",
    )


def export(client, capture, **body):
    with capture(execute=True):
        response = client.post(EXPORT, {"filters": PERIOD, **body}, format="json")
    assert response.status_code == 202, response.content
    job = response.json()["data"]
    status = client.get(job["status_url"].replace("http://testserver", "")).json()["data"]
    assert (status["status"], status["progress"]) == ("done", 100), status
    return status


def download(client, status) -> bytes:
    response = client.get(status["download_url"].replace("http://testserver", ""))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_csv_holds_the_rows_of_the_period_with_formulas_defused(
    client_a, data, editor_a, django_capture_on_commit_callbacks
):
    status = export(client_a, django_capture_on_commit_callbacks, format="csv", report_type="productivity")

    rows = list(csv.reader(io.StringIO(download(client_a, status).decode())))
    assert rows[0] == ["timestamp", "metric_type", "value", "user", "team", "metadata"]
    assert rows[1:] == [
        ["2026-11-02T09:00:00Z", "commits", "3.0", editor_a.user.email, "Platform", '{"repo": "api"}'],
        ["2026-11-03T09:00:00Z", "commits", "5.0", "", "Platform", "{}"],
        ["2026-11-03T10:00:00Z", "'=cmd|' /C calc'!A0", "1.0", "", "Platform", "{}"],
    ]
    assert status["row_count"] == 3
    assert status["job_id"] == status["id"]


def test_xlsx_opens_with_typed_cells_a_header_and_filters(client_a, data, django_capture_on_commit_callbacks):
    status = export(client_a, django_capture_on_commit_callbacks, format="xlsx", report_type="productivity")

    book = load_workbook(io.BytesIO(download(client_a, status)))
    sheet = book["Productivity metrics"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("timestamp", "metric_type", "value", "user", "team", "metadata")
    assert values[1][:3] == (datetime(2026, 11, 2, 9, tzinfo=UTC).replace(tzinfo=None), "commits", 3.0)
    assert len(values) == 4
    assert sheet.auto_filter.ref == "A1:F4"
    assert list(book["Summary"].iter_rows(values_only=True))[1:] == [
        ("=cmd|' /C calc'!A0", 1, 1.0, 1.0),
        ("commits", 2, 8.0, 4.0),
    ]


def test_pdf_has_a_title_the_period_a_summary_and_the_rows(
    client_a, data, org_a, django_capture_on_commit_callbacks
):
    status = export(client_a, django_capture_on_commit_callbacks, format="pdf", report_type="agents")

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download(client_a, status))).pages)
    assert "AI-agent executions" in text
    assert org_a.name in text
    assert "Period: 2026-11-01 to 2026-11-08. Rows: 1." in text
    assert "Executions per day" in text
    assert "coder" in text
    assert "dev@example.com" in text
    assert "100.0" in text


def test_teams_report_ranks_the_teams(client_a, data, django_capture_on_commit_callbacks):
    status = export(client_a, django_capture_on_commit_callbacks, format="csv", report_type="teams")

    rows = list(csv.reader(io.StringIO(download(client_a, status).decode())))
    assert rows[0] == ["team", "members", "metric_type", "total", "count", "average", "per_member", "rank"]
    assert ["Platform", "1", "commits", "8.0", "2", "4.0", "8.0", "1"] in rows


def test_a_tampered_or_expired_link_is_404(
    client_a, api_client, data, settings, django_capture_on_commit_callbacks
):
    status = export(client_a, django_capture_on_commit_callbacks, format="csv", report_type="productivity")
    url = status["download_url"].replace("http://testserver", "")

    assert api_client.get(url).status_code == 200  # the signed link is the credential
    assert api_client.get(url[:-3] + "abc").status_code == 404
    settings.PRODUCTIVITY_REPORT_URL_TTL_SECONDS = -1
    assert api_client.get(url).status_code == 404


def test_reports_are_their_requesters_and_managers(
    client_a, client_editor_a, client_manager_a, data, django_capture_on_commit_callbacks
):
    status = export(client_a, django_capture_on_commit_callbacks, format="csv", report_type="productivity")

    assert client_editor_a.get(f"/api/v1/reports/{status['id']}").status_code == 404
    assert client_editor_a.get("/api/v1/reports").json()["data"] == []
    assert client_manager_a.get(f"/api/v1/reports/{status['id']}").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"format": "docx", "report_type": "productivity"},
        {"format": "csv", "report_type": "payroll"},
        {"format": "csv", "report_type": "productivity", "filters": {"team_id": "nope"}},
    ],
)
def test_bad_requests_are_400_and_queue_nothing(client_a, org_a, body):
    response = client_a.post(EXPORT, body, format="json")

    assert response.status_code == 400
    assert not ReportExport.objects.for_organization(org_a).exists()


def test_the_export_rate_group_limits_requests(client_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/h"}

    codes = [
        client_a.post(EXPORT, {"format": "csv", "report_type": "agents"}, format="json").status_code
        for _ in range(3)
    ]

    assert codes == [202, 202, 429]
