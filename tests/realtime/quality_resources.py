"""Creators of realtime resources for the quality gates (cross-tenant probe, schema fuzzer)."""

from realtime.models import WebhookSubscription
from tests.quality.resources import Tenant, resource


@resource("/api/v1/webhooks/subscriptions/{id}")
def webhook_subscription(tenant: Tenant) -> dict:
    # Stored directly, past the SSRF guard, so that a probe of POST /webhooks/test is answered by the
    # delivery-time guard at once instead of waiting on a real host.
    subscription = WebhookSubscription.objects.create(
        organization=tenant.organization,
        url="http://127.0.0.1:9/quality-probe",
        events=["threat_detected"],
        secret="quality-probe-secret-0123",
    )
    return {"id": subscription.pk, "subscription_id": subscription.pk}
