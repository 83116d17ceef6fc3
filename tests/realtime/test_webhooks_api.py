"""/api/v1/webhooks/* (seed B) and /api/v1/mcp/hooks/register (seed C)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import ApiKeyScope
from organizations.services import api_key_create
from realtime import services
from realtime.models import DeliveryStatus, SubscriptionSource, WebhookSubscription
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/webhooks/subscriptions"


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.fixture
def subscription_a(org_a, allow_local_webhooks, webhook_receiver):
    return services.webhook_subscription_create(
        organization=org_a, url=webhook_receiver.url, events=["threat_detected"], secret="a-secret-of-16-plus"
    )


class TestCreate:
    def test_admin_creates_a_subscription_and_sees_the_secret_once(
        self, client_a, allow_local_webhooks, webhook_receiver
    ):
        response = client_a.post(
            SUBSCRIPTIONS,
            {
                "url": webhook_receiver.url,
                "events": ["threat_detected", "alert.triggered"],
                "description": "SIEM",
            },
            format="json",
        )

        assert response.status_code == 201, response.content
        created = response.json()["data"]
        assert created["secret"].startswith("whsec_")
        assert created["secret_hint"] == f"…{created['secret'][-4:]}"
        assert created["events"] == ["threat_detected", "alert.triggered"]
        assert created["is_active"] is True
        shown = client_a.get(f"{SUBSCRIPTIONS}/{created['id']}").json()["data"]
        assert "secret" not in shown
        assert shown["secret_hint"] == created["secret_hint"]

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8000/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.8/hook",
            "http://[::1]/hook",
            "http://localhost/hook",
        ],
    )
    def test_an_ssrf_target_is_a_validation_error(self, client_a, url):
        response = client_a.post(SUBSCRIPTIONS, {"url": url, "events": ["threat_detected"]}, format="json")

        assert error_of(response) == (400, "VALIDATION_ERROR")
        assert "url" in response.json()["error"]["details"]["fields"]
        assert WebhookSubscription.objects.unscoped().count() == 0

    def test_unknown_events_short_secret_and_missing_events_are_validation_errors(self, client_a):
        url = "https://93.184.216.34/hook"
        cases = [
            ({"url": url, "events": ["threat_detected", "made_up"]}, "events"),
            ({"url": url, "events": ["webhook.test"]}, "events"),
            ({"url": url, "events": []}, "events"),
            ({"url": url, "events": ["threat_detected"], "secret": "short"}, "secret"),
            ({"url": "ftp://93.184.216.34/", "events": ["threat_detected"]}, "url"),
        ]
        for body, field in cases:
            response = client_a.post(SUBSCRIPTIONS, body, format="json")
            assert error_of(response) == (400, "VALIDATION_ERROR"), body
            assert field in response.json()["error"]["details"]["fields"], body

    @pytest.mark.parametrize("role_fixture", ["viewer_a", "editor_a"])
    def test_non_admins_are_forbidden(self, request, role_fixture):
        client = client_for(request.getfixturevalue(role_fixture))

        create = client.post(
            SUBSCRIPTIONS, {"url": "https://93.184.216.34/", "events": ["threat_detected"]}, format="json"
        )

        assert error_of(create) == (403, "FORBIDDEN")
        assert error_of(client.get(SUBSCRIPTIONS)) == (403, "FORBIDDEN")

    def test_anonymous_is_unauthorized(self, api_client):
        assert error_of(api_client.get(SUBSCRIPTIONS)) == (401, "UNAUTHORIZED")


class TestReadUpdateDelete:
    def test_list_shows_only_the_callers_organization(self, client_a, client_b, subscription_a):
        assert [row["id"] for row in client_a.get(SUBSCRIPTIONS).json()["data"]] == [str(subscription_a.id)]
        assert client_b.get(SUBSCRIPTIONS).json()["data"] == []

    def test_another_organizations_subscription_is_404_for_every_verb(self, client_b, subscription_a):
        path = f"{SUBSCRIPTIONS}/{subscription_a.id}"

        assert error_of(client_b.get(path)) == (404, "NOT_FOUND")
        assert error_of(client_b.patch(path, {"description": "mine now"}, format="json")) == (
            404,
            "NOT_FOUND",
        )
        assert error_of(client_b.delete(path)) == (404, "NOT_FOUND")
        assert error_of(client_b.get(f"{path}/deliveries")) == (404, "NOT_FOUND")
        assert error_of(
            client_b.post("/api/v1/webhooks/test", {"subscription_id": str(subscription_a.id)}, format="json")
        ) == (404, "NOT_FOUND")
        subscription_a.refresh_from_db()
        assert subscription_a.description == ""

    def test_patch_changes_fields_and_runs_the_ssrf_guard(self, client_a, subscription_a):
        path = f"{SUBSCRIPTIONS}/{subscription_a.id}"

        ok = client_a.patch(path, {"events": ["alert.triggered"], "description": "pager"}, format="json")
        blocked = client_a.patch(path, {"url": "http://192.168.0.1/"}, format="json")

        assert ok.status_code == 200
        assert ok.json()["data"]["events"] == ["alert.triggered"]
        assert error_of(blocked) == (400, "VALIDATION_ERROR")
        subscription_a.refresh_from_db()
        assert subscription_a.url.startswith("http://127.0.0.1:")

    def test_re_enabling_a_disabled_subscription_clears_why_it_was_disabled(self, client_a, subscription_a):
        WebhookSubscription.objects.for_organization(subscription_a.organization).filter(
            pk=subscription_a.pk
        ).update(is_active=False, disabled_reason="Disabled automatically", consecutive_failures=90)
        path = f"{SUBSCRIPTIONS}/{subscription_a.id}"
        assert client_a.get(path).json()["data"]["disabled_reason"] == "Disabled automatically"

        data = client_a.patch(path, {"is_active": True}, format="json").json()["data"]

        assert (data["is_active"], data["disabled_reason"], data["consecutive_failures"]) == (True, "", 0)

    def test_delete(self, client_a, subscription_a):
        assert client_a.delete(f"{SUBSCRIPTIONS}/{subscription_a.id}").status_code == 204
        assert error_of(client_a.get(f"{SUBSCRIPTIONS}/{subscription_a.id}")) == (404, "NOT_FOUND")

    def test_a_malformed_id_is_404(self, client_a):
        assert client_a.get(f"{SUBSCRIPTIONS}/not-a-uuid").status_code == 404


class TestDeliveriesAndTest:
    def test_test_endpoint_sends_a_signed_test_event_and_records_it(
        self, client_a, subscription_a, webhook_receiver
    ):
        response = client_a.post(
            "/api/v1/webhooks/test", {"subscription_id": str(subscription_a.id)}, format="json"
        )

        assert response.status_code == 200, response.content
        delivery = response.json()["data"]
        assert delivery["event_type"] == "webhook.test"
        assert delivery["status"] == DeliveryStatus.SUCCEEDED
        assert delivery["attempts"][0]["response_status"] == 200
        assert webhook_receiver.requests[0].json()["event"] == "webhook.test"

    def test_a_failing_test_is_reported_not_retried(self, client_a, subscription_a, webhook_receiver):
        webhook_receiver.respond(503)

        delivery = client_a.post(
            "/api/v1/webhooks/test", {"subscription_id": str(subscription_a.id)}, format="json"
        ).json()["data"]

        assert (delivery["status"], delivery["next_attempt_at"]) == (DeliveryStatus.FAILED, None)
        assert delivery["attempts"][0]["error"] == "HTTP 503"
        subscription_a.refresh_from_db()
        assert subscription_a.failing_since is None  # a test does not count against the subscription

    def test_deliveries_list_each_attempt_in_bounded_queries(
        self, client_a, subscription_a, webhook_receiver, django_capture_on_commit_callbacks
    ):
        import realtime

        for _ in range(3):
            webhook_receiver.respond(500)
            with django_capture_on_commit_callbacks(execute=True):
                realtime.publish(subscription_a.organization, "threat_detected", {"threat_id": "T"})
        client_a.get(f"{SUBSCRIPTIONS}/{subscription_a.id}/deliveries")  # warm caches (auth, content types)

        with CaptureQueriesContext(connection) as queries:
            response = client_a.get(f"{SUBSCRIPTIONS}/{subscription_a.id}/deliveries")

        body = response.json()
        assert body["meta"]["pagination"]["total"] == 3
        row = body["data"][0]
        assert row["status"] == DeliveryStatus.RETRYING
        assert row["attempts"][0]["outcome"] == "retryable"
        assert row["attempts"][0]["response_status"] == 500
        assert row["attempts"][0]["duration_ms"] >= 0
        assert len(queries) <= 8 + 8  # + the plan's API-call meter (billing throttle)

    def test_event_catalog_lists_subscribable_types_with_fields(self, client_a, viewer_a):
        events = {e["name"]: e for e in client_for(viewer_a).get("/api/v1/webhooks/events").json()["data"]}

        assert {"threat_detected", "alert.triggered", "metrics.collected", "dashboard_update"} <= set(events)
        assert "webhook.test" not in events
        fields = {f["name"]: f for f in events["metrics.collected"]["payload_fields"]}
        assert fields["metric_count"] == {"name": "metric_count", "type": "integer", "required": True}


class TestMcpHookRegister:
    PATH = "/api/v1/mcp/hooks/register"

    def test_admin_registers_a_hook_in_seed_c_format(self, client_a, org_a):
        response = self.post(client_a, organization_id=str(org_a.id))

        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert data["hook_url"] == "https://93.184.216.34/claude"
        assert data["events"] == ["metrics.collected", "alert.triggered"]
        assert data["organization_id"] == str(org_a.id)
        subscription = WebhookSubscription.objects.for_organization(org_a).get(pk=data["id"])
        assert subscription.source == SubscriptionSource.MCP
        assert subscription.secret == "webhook-secret-of-claude"

    def test_an_mcp_api_key_may_register_and_a_read_key_may_not(self, api_client, admin_a, org_a):
        _, mcp_key = api_key_create(
            organization=org_a, name="mcp", scopes=[ApiKeyScope.MCP], actor=admin_a.user
        )
        _, read_key = api_key_create(
            organization=org_a, name="ro", scopes=[ApiKeyScope.READ], actor=admin_a.user
        )

        api_client.credentials(HTTP_X_API_KEY=read_key)
        assert error_of(self.post(api_client)) == (403, "FORBIDDEN")
        api_client.credentials(HTTP_X_API_KEY=mcp_key)
        assert self.post(api_client).status_code == 201

    def test_an_organization_id_other_than_the_callers_is_refused(self, client_a, org_b):
        assert error_of(self.post(client_a, organization_id=str(org_b.id))) == (400, "VALIDATION_ERROR")
        assert WebhookSubscription.objects.for_organization(org_b).count() == 0

    def test_viewer_is_forbidden_and_ssrf_is_refused(self, client_a, viewer_a):
        assert error_of(self.post(client_for(viewer_a))) == (403, "FORBIDDEN")
        assert error_of(self.post(client_a, hook_url="http://169.254.169.254/")) == (400, "VALIDATION_ERROR")

    def post(self, client, **overrides):
        body = {
            "hook_url": "https://93.184.216.34/claude",
            "events": ["metrics.collected", "alert.triggered"],
            "secret": "webhook-secret-of-claude",
            **overrides,
        }
        return client.post(self.PATH, body, format="json")


def test_schema_documents_every_realtime_operation(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    expected = {
        ("/api/v1/webhooks/subscriptions", "get"),
        ("/api/v1/webhooks/subscriptions", "post"),
        ("/api/v1/webhooks/subscriptions/{id}", "get"),
        ("/api/v1/webhooks/subscriptions/{id}", "patch"),
        ("/api/v1/webhooks/subscriptions/{id}", "delete"),
        ("/api/v1/webhooks/subscriptions/{id}/deliveries", "get"),
        ("/api/v1/webhooks/test", "post"),
        ("/api/v1/webhooks/events", "get"),
        ("/api/v1/mcp/hooks/register", "post"),
    }
    for path, method in expected:
        operation = paths[path][method]
        assert operation["summary"], (path, method)
        if method in ("post", "patch"):
            assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
