"""The event bus contract domain apps rely on: registry, validation, storage, after-commit fan-out."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from rest_framework import serializers

import realtime
from realtime import registry
from realtime.event_types import SEED_EVENT_TYPES
from realtime.models import Event, WebhookDelivery
from realtime.rooms import may_join_team
from realtime.services import webhook_subscription_create


@pytest.fixture
def scratch_registry(monkeypatch):
    """Registrations made by a test do not outlive it."""
    monkeypatch.setattr(registry, "_event_types", dict(registry._event_types))
    monkeypatch.setattr(registry, "_rooms", dict(registry._rooms))


class ScanCompleted(serializers.Serializer):
    """A scan finished."""

    scan_id = serializers.UUIDField()
    findings = serializers.IntegerField(min_value=0)


class TestRegistry:
    def test_every_seed_event_type_is_registered(self):
        names = {t.name for t in registry.event_types()}

        assert set(SEED_EVENT_TYPES) <= names
        assert {"threat_detected", "dashboard_update", "metrics.collected", "alert.triggered"} <= names

    def test_a_domain_app_replaces_a_provisional_seed_definition(self, scratch_registry):
        realtime.register_event_type("probe_seen", provisional=True)  # as realtime registers the seed types

        class StricterProbe(serializers.Serializer):
            probe_id = serializers.RegexField(r"^PRB-\d{4}$")

        realtime.register_event_type("probe_seen", schema=StricterProbe)  # the domain app's own
        realtime.register_event_type("probe_seen", provisional=True)  # a late seed registration loses

        with pytest.raises(realtime.InvalidEventPayload):
            registry.event_type("probe_seen").clean_payload({"probe_id": "nope"})
        assert registry.event_type("probe_seen").clean_payload({"probe_id": "PRB-0001"}) == {
            "probe_id": "PRB-0001"
        }

    def test_two_apps_defining_one_name_differently_is_an_error(self, scratch_registry):
        realtime.register_event_type("probe_completed", schema=ScanCompleted)
        realtime.register_event_type("probe_completed", schema=ScanCompleted)  # same again: fine

        with pytest.raises(ImproperlyConfigured):
            realtime.register_event_type("probe_completed", schema=None)

    @pytest.mark.parametrize("name", ["Threat", "scan completed", "", "a..b", "1x"])
    def test_bad_event_type_names_are_refused(self, scratch_registry, name):
        with pytest.raises(ImproperlyConfigured):
            realtime.register_event_type(name)

    def test_a_schema_must_be_a_serializer_class(self, scratch_registry):
        with pytest.raises(ImproperlyConfigured):
            realtime.register_event_type("x_happened", schema={"type": "object"})

    def test_rooms_parse_to_registered_kinds_only(self):
        assert registry.parse_room("team:7c1d").name == "team:7c1d"
        assert registry.parse_room("alerts").object_id is None
        for bad in ["board:1", "team:a/b", "Team:1", "", "x" * 200, 5]:
            with pytest.raises(realtime.InvalidRoom):
                registry.parse_room(bad)

    def test_a_room_prefix_has_one_authorizer(self, scratch_registry):
        def allow(*args):
            return True

        realtime.register_room("board", allow)
        realtime.register_room("board", allow)

        with pytest.raises(ImproperlyConfigured):
            realtime.register_room("board", lambda *a: False)


@pytest.mark.django_db
class TestTeamRoomAuthorizer:
    def test_only_teams_of_the_organization(self, admin_a, team_a, team_b):
        org = admin_a.organization

        assert may_join_team(admin_a.user, admin_a, org, str(team_a.id)) is True
        assert may_join_team(admin_a.user, admin_a, org, str(team_b.id)) is False
        assert may_join_team(admin_a.user, admin_a, org, "not-a-uuid") is False
        assert may_join_team(admin_a.user, admin_a, org, None) is False


@pytest.mark.django_db
class TestPublish:
    def test_stores_the_event_with_a_json_safe_payload(
        self, org_a, team_a, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            event = realtime.publish(
                org_a,
                "metric_ingested",
                {"metric_type": "prs", "team_id": team_a.id, "count": 2},
                rooms=[f"team:{team_a.id}"],
            )

        stored = Event.objects.for_organization(org_a).get()
        assert stored == event
        assert stored.payload == {"metric_type": "prs", "team_id": str(team_a.id), "count": 2}
        assert stored.rooms == [f"team:{team_a.id}"]

    def test_unknown_type_bad_payload_and_bad_room_are_refused_and_nothing_is_stored(self, org_a):
        with pytest.raises(realtime.UnknownEventType):
            realtime.publish(org_a, "nobody_registered_this", {})
        with pytest.raises(realtime.InvalidEventPayload) as excinfo:
            realtime.publish(org_a, "threat_detected", {"severity": "apocalyptic"})
        assert set(excinfo.value.errors) == {"threat_id", "severity"}
        with pytest.raises(realtime.InvalidEventPayload):
            realtime.publish(org_a, "threat_detected", ["not", "an", "object"])
        with pytest.raises(realtime.InvalidRoom):
            realtime.publish(org_a, "threat_detected", {"threat_id": "T"}, rooms=["board:1"])
        with pytest.raises(realtime.InvalidRoom):
            realtime.publish(org_a, "threat_detected", {"threat_id": "T"}, rooms="alerts")

        assert Event.objects.for_organization(org_a).count() == 0

    def test_unknown_payload_keys_pass_through(self, org_a):
        event = realtime.publish(org_a, "threat_detected", {"threat_id": "T", "mitre_attack": ["T1110.001"]})

        assert event.payload["mitre_attack"] == ["T1110.001"]

    def test_fan_out_waits_for_the_commit(self, org_a, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            realtime.publish(org_a, "threat_detected", {"threat_id": "T"})

        from realtime.signals import event_published

        # The socket broadcast and the in-process notification (the response app listens), both queued.
        assert event_published.has_listeners(Event)
        assert len(callbacks) == 2

    def test_deliveries_are_created_with_the_event_for_matching_subscriptions(self, org_a, settings):
        settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
        match = webhook_subscription_create(
            organization=org_a, url="http://127.0.0.1:9/a", events=["threat_detected"]
        )
        webhook_subscription_create(
            organization=org_a, url="http://127.0.0.1:9/b", events=["alert.triggered"]
        )

        event = realtime.publish(org_a, "threat_detected", {"threat_id": "T"})

        assert list(
            WebhookDelivery.objects.for_organization(org_a).values_list("subscription_id", "event_id")
        ) == [(match.id, event.id)]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_publish_leaves_no_event_no_delivery_and_sends_nothing(
    org_a, webhook_receiver, settings
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    webhook_subscription_create(organization=org_a, url=webhook_receiver.url, events=["threat_detected"])

    def publish_then_fail():
        with transaction.atomic():
            realtime.publish(org_a, "threat_detected", {"threat_id": "T"})
            raise RuntimeError("the domain change failed")

    with pytest.raises(RuntimeError):
        publish_then_fail()

    assert Event.objects.for_organization(org_a).count() == 0
    assert WebhookDelivery.objects.for_organization(org_a).count() == 0
    assert webhook_receiver.requests == []

    realtime.publish(org_a, "threat_detected", {"threat_id": "T"})  # the control: committed, delivered
    assert len(webhook_receiver.requests) == 1


@pytest.mark.django_db
def test_in_process_receivers_hear_a_committed_event_once_and_a_rolled_back_one_never(
    org_a, django_capture_on_commit_callbacks
):
    from realtime.signals import event_published

    heard = []

    def receiver(sender, *, organization_id, event, **kwargs):
        heard.append((organization_id, event.event_type, event.payload["threat_id"]))

    def failing_receiver(sender, **kwargs):
        raise RuntimeError("one receiver breaks")

    event_published.connect(failing_receiver, dispatch_uid="test.failing")
    event_published.connect(receiver, dispatch_uid="test.receiver")
    try:

        def publish_then_fail():
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                realtime.publish(org_a, "threat_detected", {"threat_id": "ROLLED-BACK"})
                raise RuntimeError("the domain change failed")

        with pytest.raises(RuntimeError):
            publish_then_fail()
        with django_capture_on_commit_callbacks(execute=True):
            realtime.publish(org_a, "threat_detected", {"threat_id": "T-1"})
    finally:
        event_published.disconnect(dispatch_uid="test.failing")
        event_published.disconnect(dispatch_uid="test.receiver")

    assert heard == [(org_a.pk, "threat_detected", "T-1")]
