"""publish_many: several events in one go, each with publish()'s guarantees."""

import pytest
from django.db import transaction

import realtime
from realtime.models import Event, WebhookDelivery
from realtime.services import webhook_subscription_create
from realtime.signals import event_published


def incident_payload(human_id: str) -> dict:
    return {
        "incident_id": human_id,
        "id": "7d1c3a9e-0f7b-4c55-9f55-0b3e3b1f2a10",
        "severity": "high",
        "risk_score": 70,
        "threat_count": 2,
        "source_ip": "198.51.100.7",
    }


@pytest.mark.django_db
class TestPublishMany:
    def test_stores_every_event_in_order_with_clean_payloads(self, org_a, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):  # savepoint, one INSERT, one subscription lookup, release
            events = realtime.publish_many(
                org_a,
                [
                    ("threat_detected", {"threat_id": "THR-1", "mitre_attack": ["T1110.001"]}),
                    ("threat_detected", {"threat_id": "THR-2"}),
                    ("incident_created", incident_payload("INC-1")),
                ],
            )

        assert [e.payload.get("threat_id") or e.payload.get("incident_id") for e in events] == [
            "THR-1",
            "THR-2",
            "INC-1",
        ]
        stored = Event.objects.for_organization(org_a)
        assert {e.pk for e in stored} == {e.pk for e in events}
        assert stored.get(pk=events[0].pk).payload["mitre_attack"] == ["T1110.001"]

    def test_one_invalid_event_stores_none_of_them(self, org_a):
        with pytest.raises(realtime.InvalidEventPayload):
            realtime.publish_many(
                org_a,
                [("threat_detected", {"threat_id": "T"}), ("threat_detected", {"severity": "apocalyptic"})],
            )
        with pytest.raises(realtime.UnknownEventType):
            realtime.publish_many(org_a, [("threat_detected", {"threat_id": "T"}), ("nobody_has_this", {})])
        with pytest.raises(realtime.InvalidRoom):
            realtime.publish_many(org_a, [("threat_detected", {"threat_id": "T"})], rooms=["board:1"])

        assert Event.objects.for_organization(org_a).count() == 0

    def test_nothing_to_publish_touches_nothing(self, org_a, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert realtime.publish_many(org_a, []) == []

    def test_each_event_is_broadcast_on_its_own_after_the_commit(
        self, org_a, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            realtime.publish_many(
                org_a, [("threat_detected", {"threat_id": "T-1"}), ("threat_detected", {"threat_id": "T-2"})]
            )

        # A socket broadcast per event, plus an in-process notification per event when some app listens.
        assert len(callbacks) == 2 * (2 if event_published.has_listeners(Event) else 1)

    def test_deliveries_only_for_subscriptions_listing_the_event_type(self, org_a, settings):
        settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
        threats = webhook_subscription_create(
            organization=org_a, url="http://127.0.0.1:9/a", events=["threat_detected"]
        )
        both = webhook_subscription_create(
            organization=org_a, url="http://127.0.0.1:9/b", events=["threat_detected", "incident_created"]
        )
        webhook_subscription_create(
            organization=org_a, url="http://127.0.0.1:9/c", events=["alert.triggered"]
        )

        threat, incident = realtime.publish_many(
            org_a, [("threat_detected", {"threat_id": "T"}), ("incident_created", incident_payload("INC-1"))]
        )

        assert set(
            WebhookDelivery.objects.for_organization(org_a).values_list("subscription_id", "event_id")
        ) == {(threats.id, threat.id), (both.id, threat.id), (both.id, incident.id)}

    def test_receivers_hear_each_committed_event_once_and_rolled_back_ones_never(
        self, org_a, django_capture_on_commit_callbacks
    ):
        heard = []

        def receiver(sender, *, organization_id, event, **kwargs):
            heard.append((organization_id, event.payload["threat_id"]))

        event_published.connect(receiver, dispatch_uid="test.publish_many")
        try:

            def publish_then_fail():
                with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                    realtime.publish_many(org_a, [("threat_detected", {"threat_id": "ROLLED-BACK"})])
                    raise RuntimeError("the domain change failed")

            with pytest.raises(RuntimeError):
                publish_then_fail()
            with django_capture_on_commit_callbacks(execute=True):
                realtime.publish_many(
                    org_a,
                    [("threat_detected", {"threat_id": "T-1"}), ("threat_detected", {"threat_id": "T-2"})],
                )
        finally:
            event_published.disconnect(dispatch_uid="test.publish_many")

        assert heard == [(org_a.pk, "T-1"), (org_a.pk, "T-2")]
