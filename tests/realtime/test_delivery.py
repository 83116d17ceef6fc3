"""Outbound webhooks delivered to a real HTTP server on 127.0.0.1 (allowed through WEBHOOK_ALLOWED_HOSTS)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

import realtime
from realtime import services
from realtime.models import AttemptOutcome, DeliveryStatus, Event, WebhookDelivery, WebhookSubscription
from realtime.services.deliveries import retry_delay
from realtime.signing import SIGNATURE_HEADER, body_signature, verify_signature_header
from realtime.tasks import deliver_due_webhooks, deliver_webhook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_local_webhooks")]

THREAT = {"threat_id": "THR-2026-0001", "severity": "critical", "confidence": 0.97}


@pytest.fixture
def subscription(org_a, webhook_receiver):
    return services.webhook_subscription_create(
        organization=org_a,
        url=webhook_receiver.url,
        events=["threat_detected", "alert.triggered"],
        secret="s3cret-for-signing-webhooks",
    )


def publish_committed(capture, organization, event_type="threat_detected", payload=None):
    with capture(execute=True):
        return realtime.publish(organization, event_type, payload or THREAT)


def delivery_of(event) -> WebhookDelivery:
    return WebhookDelivery.objects.for_organization(event.organization_id).get(event=event)


def make_due(delivery: WebhookDelivery) -> None:
    """What the passing of time does: the next attempt becomes due."""
    WebhookDelivery.objects.for_organization(delivery.organization_id).filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def run_sweeper(capture) -> int:
    with capture(execute=True):
        return deliver_due_webhooks.apply().get()


class TestSignedDelivery:
    def test_receiver_gets_a_signed_body_it_can_verify(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        event = publish_committed(django_capture_on_commit_callbacks, subscription.organization)

        assert len(webhook_receiver.requests) == 1
        request = webhook_receiver.requests[0]
        assert request.path == "/hooks/palisade"
        assert verify_signature_header(
            subscription.secret, request.body, request.headers[SIGNATURE_HEADER.lower()]
        )
        body = request.json()
        assert body["event"] == "threat_detected"
        assert body["id"] == str(event.id)
        assert body["organization_id"] == str(subscription.organization_id)
        assert body["data"] == THREAT
        assert body["timestamp"].endswith("Z")
        assert body["signature"] == body_signature(subscription.secret, body)
        assert request.headers["x-palisade-event"] == "threat_detected"
        assert request.headers["x-palisade-delivery"] == str(delivery_of(event).id)
        assert request.headers["content-type"] == "application/json"

    def test_a_wrong_secret_or_a_changed_body_does_not_verify(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        request = webhook_receiver.requests[0]
        header = request.headers[SIGNATURE_HEADER.lower()]

        assert not verify_signature_header("another-secret-entirely", request.body, header)
        assert not verify_signature_header(
            subscription.secret, request.body.replace(b"critical", b"low"), header
        )

    def test_success_is_recorded_with_its_attempt(self, subscription, django_capture_on_commit_callbacks):
        event = publish_committed(django_capture_on_commit_callbacks, subscription.organization)

        delivery = delivery_of(event)
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert delivery.completed_at is not None
        (attempt,) = delivery.attempts.all()
        assert (attempt.number, attempt.outcome, attempt.response_status) == (
            1,
            AttemptOutcome.SUCCEEDED,
            200,
        )
        subscription.refresh_from_db()
        assert subscription.last_success_at is not None

    def test_only_subscribed_active_subscriptions_of_the_organization_receive_it(
        self, org_a, org_b, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        services.webhook_subscription_create(
            organization=org_b, url=webhook_receiver.url, events=["threat_detected"]
        )
        other_type = services.webhook_subscription_create(
            organization=org_a, url=webhook_receiver.url, events=["metric_ingested"]
        )
        paused = services.webhook_subscription_create(
            organization=org_a, url=webhook_receiver.url, events=["threat_detected"]
        )
        services.webhook_subscription_update(subscription=paused, is_active=False)

        event = publish_committed(django_capture_on_commit_callbacks, org_a)

        deliveries = WebhookDelivery.objects.for_organization(org_a).filter(event=event)
        assert [d.subscription_id for d in deliveries] == [subscription.id]
        assert len(webhook_receiver.requests) == 1
        assert other_type.deliveries.count() == 0


class TestRetries:
    def test_a_500_is_retried_later_and_the_retry_succeeds(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        webhook_receiver.respond(500, body=b"database down").respond(200)

        event = publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        delivery = delivery_of(event)
        assert delivery.status == DeliveryStatus.RETRYING
        assert delivery.next_attempt_at > timezone.now()
        assert run_sweeper(django_capture_on_commit_callbacks) == 0  # not due yet
        assert len(webhook_receiver.requests) == 1

        make_due(delivery)
        assert run_sweeper(django_capture_on_commit_callbacks) == 1

        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SUCCEEDED
        attempts = list(delivery.attempts.order_by("number"))
        assert [(a.outcome, a.response_status) for a in attempts] == [
            (AttemptOutcome.RETRYABLE, 500),
            (AttemptOutcome.SUCCEEDED, 200),
        ]
        assert attempts[0].response_excerpt == "database down"
        assert len(webhook_receiver.requests) == 2
        # the same delivery id on both attempts: the receiver's idempotency key
        assert {r.headers["x-palisade-delivery"] for r in webhook_receiver.requests} == {str(delivery.id)}

    @pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
    def test_a_4xx_stops_retrying(
        self, status, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        webhook_receiver.respond(status)

        delivery = delivery_of(
            publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        )

        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.next_attempt_at is None
        assert delivery.last_error.startswith(f"HTTP {status}")
        make_due(delivery)
        run_sweeper(django_capture_on_commit_callbacks)
        assert len(webhook_receiver.requests) == 1

    def test_a_429_is_retried_no_sooner_than_retry_after(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        webhook_receiver.respond(429, headers={"Retry-After": "1800"})

        delivery = delivery_of(
            publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        )

        assert delivery.status == DeliveryStatus.RETRYING
        assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=1790)

    def test_a_redirect_is_not_followed(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        webhook_receiver.respond(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})

        delivery = delivery_of(
            publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        )

        assert delivery.status == DeliveryStatus.FAILED
        assert "redirects are not followed" in delivery.last_error
        assert len(webhook_receiver.requests) == 1

    def test_a_connection_error_is_retried(self, org_a, closed_port, django_capture_on_commit_callbacks):
        services.webhook_subscription_create(
            organization=org_a, url=f"http://127.0.0.1:{closed_port}/hook", events=["threat_detected"]
        )

        delivery = delivery_of(publish_committed(django_capture_on_commit_callbacks, org_a))

        assert delivery.status == DeliveryStatus.RETRYING
        (attempt,) = delivery.attempts.all()
        assert attempt.outcome == AttemptOutcome.RETRYABLE
        assert attempt.response_status is None
        assert "ConnectError" in attempt.error

    def test_a_timeout_is_retried(
        self, settings, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
        webhook_receiver.respond(200, delay=1.0)

        delivery = delivery_of(
            publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        )

        assert delivery.status == DeliveryStatus.RETRYING
        assert delivery.last_error == "Timed out after 0.2 s"

    def test_retrying_stops_when_the_window_is_over(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        webhook_receiver.respond(503).respond(503)
        delivery = delivery_of(
            publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        )
        WebhookDelivery.objects.for_organization(delivery.organization_id).filter(pk=delivery.pk).update(
            created_at=timezone.now() - timedelta(hours=24) + timedelta(seconds=5)
        )

        make_due(delivery)
        run_sweeper(django_capture_on_commit_callbacks)

        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED
        assert "gave up" in delivery.last_error
        assert delivery.attempt_count == 2

    def test_backoff_grows_exponentially_with_jitter_and_a_cap(self, settings):
        settings.WEBHOOK_RETRY_BASE_SECONDS = 30
        settings.WEBHOOK_RETRY_MAX_DELAY_SECONDS = 3600

        samples = {n: [retry_delay(n) for _ in range(200)] for n in (1, 2, 3, 10)}

        assert all(15 <= d <= 30 for d in samples[1])
        assert all(30 <= d <= 60 for d in samples[2])
        assert all(60 <= d <= 120 for d in samples[3])
        assert all(1800 <= d <= 3600 for d in samples[10])
        assert len({round(d, 3) for d in samples[3]}) > 50  # jittered, not a fixed schedule

    def test_running_the_task_twice_posts_once(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        with transaction.atomic():
            event = realtime.publish(subscription.organization, "threat_detected", THREAT)
        delivery = delivery_of(event)
        kwargs = {"delivery_id": str(delivery.id), "organization_id": str(delivery.organization_id)}

        first = deliver_webhook.apply(kwargs=kwargs).get()
        second = deliver_webhook.apply(kwargs=kwargs).get()

        assert (first, second) == (DeliveryStatus.SUCCEEDED, None)
        assert len(webhook_receiver.requests) == 1


class TestSubscriptionHealth:
    def test_a_subscription_failing_for_24_hours_is_disabled_with_the_reason(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        webhook_receiver.respond(500)
        WebhookSubscription.objects.for_organization(subscription.organization).filter(
            pk=subscription.pk
        ).update(failing_since=timezone.now() - timedelta(hours=24, minutes=1), consecutive_failures=40)

        publish_committed(django_capture_on_commit_callbacks, subscription.organization)

        subscription.refresh_from_db()
        assert subscription.is_active is False
        assert subscription.disabled_at is not None
        assert "41 attempts in a row" in subscription.disabled_reason
        assert "HTTP 500" in subscription.disabled_reason
        # a disabled subscription gets no new deliveries
        event = publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        assert (
            not WebhookDelivery.objects.for_organization(subscription.organization)
            .filter(event=event)
            .exists()
        )

    def test_failures_shorter_than_24_hours_keep_it_active_and_a_success_resets_them(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        webhook_receiver.respond(500)
        publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        subscription.refresh_from_db()
        assert subscription.is_active
        assert subscription.failing_since is not None
        assert subscription.consecutive_failures == 1

        publish_committed(django_capture_on_commit_callbacks, subscription.organization)

        subscription.refresh_from_db()
        assert (subscription.failing_since, subscription.consecutive_failures) == (None, 0)

    def test_pending_deliveries_of_a_disabled_subscription_are_not_sent(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        webhook_receiver.respond(500)
        delivery = delivery_of(
            publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        )
        services.webhook_subscription_update(subscription=subscription, is_active=False)

        make_due(delivery)
        run_sweeper(django_capture_on_commit_callbacks)

        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.last_error == "Not sent: the subscription is disabled."
        assert len(webhook_receiver.requests) == 1


class TestSSRFAtDeliveryTime:
    def test_a_target_that_became_private_is_blocked_and_not_contacted(
        self, settings, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        settings.WEBHOOK_ALLOWED_HOSTS = []  # the allow-list changed after the subscription was created

        delivery = delivery_of(
            publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        )

        assert webhook_receiver.requests == []
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.last_error.startswith("Blocked: ")
        assert "loopback" in delivery.last_error

    def test_dns_rebinding_to_a_private_address_is_blocked(
        self, monkeypatch, org_a, django_capture_on_commit_callbacks
    ):
        import socket

        answers = iter([[(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]])
        monkeypatch.setattr(
            "realtime.ssrf.socket.getaddrinfo",
            lambda *a, **k: next(answers, [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))]),
        )
        services.webhook_subscription_create(
            organization=org_a, url="https://hooks.example.com/in", events=["threat_detected"]
        )

        delivery = delivery_of(publish_committed(django_capture_on_commit_callbacks, org_a))

        assert delivery.status == DeliveryStatus.FAILED
        assert "private address (10.0.0.7)" in delivery.last_error


class TestRetention:
    def test_old_finished_events_are_pruned_and_open_ones_kept(
        self, subscription, webhook_receiver, django_capture_on_commit_callbacks
    ):
        webhook_receiver.respond(200).respond(500)
        finished = publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        still_retrying = publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        recent = publish_committed(django_capture_on_commit_callbacks, subscription.organization)
        Event.objects.for_organization(subscription.organization).filter(
            pk__in=[finished.pk, still_retrying.pk]
        ).update(created_at=timezone.now() - timedelta(days=31))

        assert services.events_prune() == 1

        remaining = set(
            Event.objects.for_organization(subscription.organization).values_list("pk", flat=True)
        )
        assert remaining == {still_retrying.pk, recent.pk}
