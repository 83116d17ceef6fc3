"""Productivity pages: trends and team comparison, dashboards built from widgets, and report exports
with progress and the download of the real file; other organizations' rows are 404."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.productivity.models import Dashboard, ReportExport
from metrics.productivity.services.dashboards import dashboard_create
from metrics.productivity.services.ingest import productivity_ingest
from metrics.productivity.services.reports import report_request
from organizations.models import Role
from tests.factories import MembershipFactory, TeamFactory, TeamMemberFactory
from tests.web.conftest import browser_for

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


@pytest.fixture
def team(org_a, admin_a):
    team = TeamFactory(organization=org_a, name="Platform")
    TeamMemberFactory(team=team, user=admin_a.user)
    return team


@pytest.fixture
def metrics_a(org_a, admin_a, team):
    now = timezone.now()
    items = [
        {
            "id": f"m{day}-{metric_type}",
            "timestamp": (now - timedelta(days=day)).isoformat(),
            "user": admin_a.user.email,
            "metric_type": metric_type,
            "value": value,
        }
        for day in range(1, 6)
        for metric_type, value in (("commits", 4), ("prs_merged", 1))
    ]
    return productivity_ingest(organization=org_a, items=items)


class TestOverview:
    def test_trends_and_team_comparison_from_the_analytics_selectors(self, browser_a, metrics_a):
        page = html(browser_a.get("/productivity"))
        assert 'data-metric-type="commits"' in page
        assert '<td class="num">20</td>' in page
        assert 'data-chart-source="trend-chart"' in page
        assert 'id="trend-chart"' in page
        assert "Sum of values per day" in page  # the y axis title the chart gets
        assert 'data-team="Platform"' in page
        assert 'id="comparison-chart"' in page
        assert 'src="/static/web/productivity-charts.js"' in page
        assert "<script>" not in page

    def test_a_team_filter_narrows_the_trends(self, browser_a, metrics_a, org_a):
        other = TeamFactory(organization=org_a, name="Mobile")
        page = html(browser_a.get(f"/productivity?team_id={other.pk}&range_days=30&granularity=week"))
        assert "No productivity data in the last 30 days." in page

    def test_bad_filters_are_shown(self, browser_a):
        response = browser_a.get("/productivity?range_days=12")
        assert response.status_code == 400
        assert "form-errors" in html(response)

    def test_empty_state_says_where_data_comes_from(self, browser_a):
        page = html(browser_a.get("/productivity"))
        assert "No productivity data" in page
        assert "/api/v1/metrics/productivity" in page
        assert "Create teams" in page


class TestDashboards:
    def test_create_then_add_widgets_that_show_their_data(self, browser_a, org_a, metrics_a):
        response = browser_a.post("/productivity/dashboards", {"name": "Delivery", "scope": "user"})
        dashboard = Dashboard.objects.for_organization(org_a).get()
        assert response["Location"] == f"/productivity/dashboards/{dashboard.pk}"
        assert "This dashboard has no widget yet." in html(browser_a.get(response["Location"]))

        url = f"/productivity/dashboards/{dashboard.pk}/widgets"
        base = {"source": "productivity", "aggregation": "day", "range_days": "30"}
        browser_a.post(url, {**base, "widget_type": "number", "title": "Commits", "metric_type": "commits"})
        browser_a.post(url, {**base, "widget_type": "line", "title": "Trend", "metric_type": "commits"})
        dashboard.refresh_from_db()
        assert [w["type"] for w in dashboard.layout] == ["number", "line"]
        assert dashboard.layout[0]["query"] == {**base, "range_days": 30, "metric_type": "commits"}
        page = html(browser_a.get(f"/productivity/dashboards/{dashboard.pk}"))
        assert 'data-testid="widget-number"><span class="score-value">20</span>' in page
        assert 'id="widget-w2"' in page
        assert "Sum of values per day" in page

    def test_an_invalid_widget_is_refused_with_the_apis_message(self, browser_a, org_a, admin_a):
        dashboard = dashboard_create(
            organization=org_a, user=admin_a.user, membership=admin_a, name="D", scope="user"
        )
        response = browser_a.post(
            f"/productivity/dashboards/{dashboard.pk}/widgets",
            {"widget_type": "line", "source": "productivity", "aggregation": "fortnight", "range_days": "30"},
        )
        assert response.status_code == 400
        assert "Select a valid choice. fortnight is not one of the available choices." in html(response)
        dashboard.refresh_from_db()
        assert dashboard.layout == []

    def test_a_widget_can_be_removed(self, browser_a, org_a, admin_a):
        widget = {
            "id": "w1",
            "type": "number",
            "title": "x",
            "query": {"source": "productivity", "aggregation": "day", "range_days": 30},
            "position": {"x": 0, "y": 0, "w": 6, "h": 4},
        }
        dashboard = dashboard_create(
            organization=org_a, user=admin_a.user, membership=admin_a, name="D", scope="user", layout=[widget]
        )
        assert browser_a.post(f"/productivity/dashboards/{dashboard.pk}/widgets/w1/remove").status_code == 302
        dashboard.refresh_from_db()
        assert dashboard.layout == []
        assert browser_a.post(f"/productivity/dashboards/{dashboard.pk}/widgets/w9/remove").status_code == 404

    def test_an_editor_may_not_create_an_organization_dashboard(self, editor_a, org_a):
        response = browser_for(editor_a).post(
            "/productivity/dashboards", {"name": "Everyone", "scope": "organization"}
        )
        assert response.status_code == 400
        assert "You may not create organization dashboards." in html(response)
        assert not Dashboard.objects.for_organization(org_a).exists()

    def test_someone_elses_user_dashboard_and_another_organizations_are_404(
        self, browser_a, org_a, org_b, admin_b
    ):
        other_member = MembershipFactory(organization=org_a, role=Role.EDITOR)
        private = dashboard_create(
            organization=org_a, user=other_member.user, membership=other_member, name="Mine", scope="user"
        )
        theirs = dashboard_create(
            organization=org_b, user=admin_b.user, membership=admin_b, name="Theirs", scope="organization"
        )
        for dashboard in (private, theirs):
            assert browser_a.get(f"/productivity/dashboards/{dashboard.pk}").status_code == 404
            response = browser_a.post(
                f"/productivity/dashboards/{dashboard.pk}/widgets",
                {"widget_type": "number", "source": "productivity", "aggregation": "day", "range_days": "7"},
            )
            assert response.status_code == 404
        assert "Mine" not in html(browser_a.get("/productivity/dashboards"))

    def test_empty_state(self, browser_a):
        assert "No dashboard yet." in html(browser_a.get("/productivity/dashboards"))


class TestReports:
    def test_export_shows_progress_then_downloads_the_real_file(self, browser_a, org_a, metrics_a, run_jobs):
        queued = browser_a.post(
            "/productivity/reports", {"report_type": "productivity", "format": "csv", "range_days": "30"}
        )
        report = ReportExport.objects.for_organization(org_a).get()
        assert queued["Location"] == f"/productivity/reports/{report.pk}"
        waiting = html(browser_a.get(queued["Location"]))
        assert 'hx-trigger="every 1s"' in waiting
        assert "<progress" in waiting

        from metrics.productivity.services.reports import report_build

        report_build(report_id=report.pk, organization_id=org_a.pk)
        done = html(browser_a.get(f"/productivity/reports/{report.pk}/progress"))
        assert "hx-trigger" not in done
        assert f"/productivity/reports/{report.pk}/download" in done

        download = browser_a.get(f"/productivity/reports/{report.pk}/download")
        assert download.status_code == 200
        assert download["Content-Type"] == "text/csv"
        assert "attachment" in download["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
        body = [row for row in rows if "commits" in row]
        assert len(body) == 5

    def test_bad_input_is_shown_and_exports_nothing(self, browser_a, org_a):
        response = browser_a.post(
            "/productivity/reports", {"report_type": "productivity", "format": "docx", "range_days": "30"}
        )
        assert response.status_code == 400
        assert "Select a valid choice. docx is not one of the available choices." in html(response)
        assert not ReportExport.objects.for_organization(org_a).exists()

    def test_a_report_not_yet_built_has_no_download(self, browser_a, org_a, admin_a):
        report = report_request(
            organization=org_a, user=admin_a.user, format="pdf", report_type="teams", filters={}
        )
        assert browser_a.get(f"/productivity/reports/{report.pk}/download").status_code == 404

    def test_only_the_requester_or_a_manager_sees_a_report_and_never_another_organization(
        self, org_a, org_b, admin_a, admin_b, editor_a, run_jobs
    ):
        report = run_jobs(
            report_request,
            organization=org_a,
            user=admin_a.user,
            format="csv",
            report_type="teams",
            filters={"start_date": timezone.now() - timedelta(days=30), "end_date": timezone.now()},
        )
        assert browser_for(admin_a).get(f"/productivity/reports/{report.pk}/download").status_code == 200
        for outsider in (editor_a, admin_b):
            browser = browser_for(outsider)
            assert browser.get(f"/productivity/reports/{report.pk}").status_code == 404
            assert browser.get(f"/productivity/reports/{report.pk}/download").status_code == 404
        manager = MembershipFactory(organization=org_a, role=Role.MANAGER)
        assert browser_for(manager).get(f"/productivity/reports/{report.pk}/download").status_code == 200


@pytest.mark.parametrize("path", ["/productivity", "/productivity/dashboards", "/productivity/reports"])
def test_productivity_pages_render_in_the_shell(path, browser_a):
    response = browser_a.get(path)
    assert response.status_code == 200
    page = html(response)
    assert 'aria-label="Main"' in page
    assert '<p class="nav-heading">Productivity</p>' in page
    assert "<script>" not in page


def test_the_demo_loader_fills_teams_metrics_and_a_dashboard_once(org_a, admin_a, editor_a):
    from metrics.productivity import demo
    from metrics.productivity.models import AgentExecution, ProductivityMetric
    from organizations.models import Team

    demo.load(organization=org_a, admin=admin_a.user)
    counts = (
        ProductivityMetric.objects.for_organization(org_a).count(),
        AgentExecution.objects.for_organization(org_a).count(),
    )
    demo.load(organization=org_a, admin=admin_a.user)
    assert counts[0] > 0
    assert counts[1] > 0
    assert (
        ProductivityMetric.objects.for_organization(org_a).count(),
        AgentExecution.objects.for_organization(org_a).count(),
    ) == counts
    assert sorted(Team.objects.for_organization(org_a).values_list("name", flat=True)) == [
        "Mobile",
        "Platform",
    ]
    dashboard = Dashboard.objects.for_organization(org_a).get()
    assert [widget["type"] for widget in dashboard.layout] == ["line", "bar", "number", "table"]
    page = browser_for(admin_a).get(f"/productivity/dashboards/{dashboard.pk}").content.decode()
    assert 'id="widget-w1"' in page
    assert "claude-code" in page or "copilot-agent" in page
