"""Dashboards: who sees and changes what, validation, and live widget updates after ingestion."""

import pytest

from metrics.productivity.models import Dashboard
from realtime.models import Event
from tests.conftest import client_for

URL = "/api/v1/dashboards"
WIDGET = {
    "id": "commits-daily",
    "type": "line",
    "title": "Commits per day",
    "query": {"source": "productivity", "metric_type": "commits", "aggregation": "day", "range_days": 7},
    "position": {"x": 0, "y": 0, "w": 6, "h": 4},
}


def dashboard(**extra):
    return {"name": "Delivery", "scope": "user", "layout": [WIDGET], "filters": {}, **extra}


@pytest.mark.django_db
class TestPermissions:
    def test_an_editor_makes_their_own_dashboard_a_viewer_none(
        self, client_editor_a, client_viewer_a, editor_a
    ):
        response = client_editor_a.post(URL, dashboard(), format="json")

        assert response.status_code == 201, response.content
        assert response.json()["data"]["owner_id"] == str(editor_a.user_id)
        assert response.json()["data"]["layout"][0]["query"]["metric_type"] == "commits"
        assert client_viewer_a.post(URL, dashboard(), format="json").status_code == 403

    def test_organization_dashboards_need_a_manager(self, client_editor_a, client_manager_a):
        assert client_editor_a.post(URL, dashboard(scope="organization"), format="json").status_code == 403
        assert client_manager_a.post(URL, dashboard(scope="organization"), format="json").status_code == 201

    def test_team_dashboards_need_a_manager_or_a_lead_of_the_team(self, client_editor_a, team_a, team_a2):
        lead_of_a = client_editor_a.post(URL, dashboard(scope="team", team_id=str(team_a.pk)), format="json")
        not_lead = client_editor_a.post(URL, dashboard(scope="team", team_id=str(team_a2.pk)), format="json")

        assert (lead_of_a.status_code, not_lead.status_code) == (201, 403)

    def test_a_user_dashboard_is_private_to_its_owner(
        self, client_a, client_editor_a, client_manager_a, org_a
    ):
        own = client_editor_a.post(URL, dashboard(), format="json").json()["data"]
        shared = client_manager_a.post(
            URL, dashboard(name="All", scope="organization"), format="json"
        ).json()["data"]

        assert [d["name"] for d in client_a.get(URL).json()["data"]] == ["All"]
        assert client_a.get(f"{URL}/{own['id']}").status_code == 404
        assert (
            client_a.put(f"{URL}/{own['id']}", dashboard(name="Mine now"), format="json").status_code == 404
        )
        assert (
            client_editor_a.put(
                f"{URL}/{shared['id']}", dashboard(scope="organization"), format="json"
            ).status_code
            == 403
        )
        assert client_editor_a.delete(f"{URL}/{shared['id']}").status_code == 403
        assert Dashboard.objects.for_organization(org_a).count() == 2

    def test_the_owner_replaces_and_deletes(self, client_editor_a, org_a):
        created = client_editor_a.post(URL, dashboard(), format="json").json()["data"]

        replaced = client_editor_a.put(
            f"{URL}/{created['id']}", dashboard(name="Renamed", layout=[]), format="json"
        )
        assert replaced.status_code == 200
        assert replaced.json()["data"]["layout"] == []
        assert client_editor_a.delete(f"{URL}/{created['id']}").status_code == 204
        assert not Dashboard.objects.for_organization(org_a).exists()

    def test_an_editor_may_not_widen_their_dashboard_to_the_organization(self, client_editor_a):
        created = client_editor_a.post(URL, dashboard(), format="json").json()["data"]

        response = client_editor_a.put(
            f"{URL}/{created['id']}", dashboard(scope="organization"), format="json"
        )

        assert response.status_code == 403
        assert client_editor_a.get(f"{URL}/{created['id']}").json()["data"]["scope"] == "user"


@pytest.mark.django_db
class TestListAndValidation:
    def test_scope_and_default_only_filter_and_one_default_per_owner(self, client_editor_a, client_manager_a):
        first = client_editor_a.post(URL, dashboard(name="A", is_default=True), format="json").json()["data"]
        client_editor_a.post(URL, dashboard(name="B", is_default=True), format="json")
        client_manager_a.post(
            URL, dashboard(name="Org", scope="organization", is_default=True), format="json"
        )

        defaults = client_editor_a.get(URL, {"default_only": "true"}).json()["data"]
        assert sorted(d["name"] for d in defaults) == ["B", "Org"]
        assert [d["name"] for d in client_editor_a.get(URL, {"scope": "user"}).json()["data"]] == ["A", "B"]
        assert client_editor_a.get(f"{URL}/{first['id']}").json()["data"]["is_default"] is False

    @pytest.mark.parametrize(
        "layout",
        [
            [WIDGET, WIDGET],
            [{**WIDGET, "type": "pie3d"}],
            [{**WIDGET, "query": {"source": "weather"}}],
            [{**WIDGET, "position": {"x": -1, "y": 0}}],
        ],
    )
    def test_a_bad_layout_is_400_and_changes_nothing(self, client_editor_a, org_a, layout):
        response = client_editor_a.post(URL, dashboard(layout=layout), format="json")

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
        assert not Dashboard.objects.for_organization(org_a).exists()

    def test_a_team_dashboard_without_its_team_or_with_another_orgs_team_is_400(
        self, client_manager_a, team_b
    ):
        assert client_manager_a.post(URL, dashboard(scope="team"), format="json").status_code == 400
        assert (
            client_manager_a.post(
                URL, dashboard(scope="team", team_id=str(team_b.pk)), format="json"
            ).status_code
            == 400
        )


@pytest.mark.django_db
def test_ingestion_pushes_the_fresh_widget_data_to_the_dashboard_room(
    client_editor_a, client_a, org_a, django_capture_on_commit_callbacks
):
    created = client_editor_a.post(URL, dashboard(), format="json").json()["data"]
    other = client_editor_a.post(
        URL,
        dashboard(name="Deploys", layout=[{**WIDGET, "query": {"metric_type": "deploys"}}]),
        format="json",
    ).json()["data"]
    from django.utils import timezone

    now = timezone.now().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(
            "/api/v1/metrics/productivity",
            [
                {"timestamp": now, "metric_type": "commits", "value": 4},
                {"timestamp": now, "metric_type": "commits", "value": 3},
            ],
            format="json",
        )

    updates = list(Event.objects.for_organization(org_a).filter(event_type="dashboard_update"))
    assert [u.rooms for u in updates] == [[f"dashboard:{created['id']}"]]
    payload = updates[0].payload
    assert (payload["dashboard_id"], payload["widget_id"]) == (created["id"], "commits-daily")
    assert payload["data"]["total"] == 7.0
    assert payload["data"]["points"][0]["count"] == 2
    data = client_editor_a.get(f"{URL}/{created['id']}/data").json()["data"]
    assert data["widgets"][0]["data"]["total"] == 7.0
    assert client_editor_a.get(f"{URL}/{other['id']}/data").json()["data"]["widgets"][0]["data"]["total"] == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_dashboard_update_arrives_over_a_real_websocket_after_ingestion(editor_a, admin_a):
    from asgiref.sync import sync_to_async
    from django.utils import timezone

    from tests.realtime.ws import access_token, connect_authenticated

    editor = await sync_to_async(client_for)(editor_a)
    created = (await sync_to_async(editor.post)(URL, dashboard(), format="json")).json()["data"]
    socket = await connect_authenticated("/ws", await sync_to_async(access_token)(editor_a))
    await socket.send_json_to({"type": "subscribe", "rooms": [f"dashboard:{created['id']}"]})
    assert (await socket.receive_json_from(timeout=5))["rooms"] == [f"dashboard:{created['id']}"]

    admin = await sync_to_async(client_for)(admin_a)
    body = [{"timestamp": timezone.now().isoformat(), "metric_type": "commits", "value": 5}]
    assert (
        await sync_to_async(admin.post)("/api/v1/metrics/productivity", body, format="json")
    ).status_code == 201

    received = []
    while not any(m["type"] == "dashboard_update" for m in received):
        received.append(await socket.receive_json_from(timeout=5))
    update = received[-1]
    assert update["room"] == f"dashboard:{created['id']}"
    assert update["data"]["widget_id"] == "commits-daily"
    assert update["data"]["data"]["total"] == 5.0
    await socket.disconnect()
