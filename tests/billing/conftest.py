import json

import pytest
import stripe

from billing.models import Plan, Subscription
from billing.services import subscription_ensure
from tests.billing import stripe_payloads as payloads
from tests.billing.fake_stripe import FakeStripe

WEBHOOK_URL = "/api/v1/subscriptions/stripe/webhook"


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    """Stripe configured (a test key and webhook secret), its API answered by a local fake."""
    with FakeStripe() as fake:
        monkeypatch.setattr(stripe, "api_base", fake.url)
        settings.STRIPE_SECRET_KEY = payloads.SECRET_KEY
        settings.STRIPE_WEBHOOK_SECRET = payloads.WEBHOOK_SECRET
        yield fake


@pytest.fixture
def stripe_prices(db, fake_stripe):
    """The pro and enterprise plans sold through Stripe prices, known to dj-stripe."""
    from djstripe.models import Price, Product

    Product.sync_from_stripe_data(
        stripe.convert_to_stripe_object(payloads.product()), api_key=payloads.SECRET_KEY
    )
    for code, price_id in payloads.PRICES.items():
        Plan.objects.filter(code=code).update(stripe_price_id=price_id)
        Price.sync_from_stripe_data(
            stripe.convert_to_stripe_object(payloads.price(code)), api_key=payloads.SECRET_KEY
        )
    return payloads.PRICES


def deliver(client, evt: dict, *, signature: str | None = None):
    raw = payloads.body(evt)
    headers = {"HTTP_STRIPE_SIGNATURE": signature if signature is not None else payloads.sign(raw)}
    return client.post(WEBHOOK_URL, data=raw, content_type="application/json", **headers)


def subscription_of(organization) -> Subscription:
    """The organization's subscription as stored (created on free first, as the signal would have)."""
    subscription_ensure(organization=organization)
    return Subscription.objects.for_organization(organization).select_related("plan", "pending_plan").get()


def data(response):
    assert response.status_code < 400, response.content
    return response.json()["data"]


def error(response) -> dict:
    return json.loads(response.content)["error"]
