"""Stripe objects and events shaped as Stripe sends them (API 2026 "dahlia"), and Stripe's signing."""

import hashlib
import hmac
import json
import time

import stripe

API_VERSION = "2026-08-26.dahlia"
WEBHOOK_SECRET = "whsec_palisadeTestSecret0123456789"
SECRET_KEY = "sk_test_PalisadeTestKey0123456789abcdef"
PRICES = {"pro": "price_pro_monthly", "enterprise": "price_enterprise_monthly"}
AMOUNTS = {"pro": 29900, "enterprise": 99900}
PRODUCT_ID = "prod_palisade"
DAY = 86400


def product(created: int = 1_700_000_000) -> dict:
    return {
        "id": PRODUCT_ID,
        "object": "product",
        "active": True,
        "created": created,
        "description": None,
        "livemode": False,
        "metadata": {},
        "name": "Palisade",
        "type": "service",
        "updated": created,
    }


def price(plan: str, created: int = 1_700_000_000) -> dict:
    return {
        "id": PRICES[plan],
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": created,
        "currency": "usd",
        "livemode": False,
        "lookup_key": plan,
        "metadata": {},
        "nickname": plan.title(),
        "product": PRODUCT_ID,
        "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"},
        "tax_behavior": "unspecified",
        "type": "recurring",
        "unit_amount": AMOUNTS[plan],
        "unit_amount_decimal": str(AMOUNTS[plan]),
    }


def customer(customer_id: str, organization_id, created: int) -> dict:
    return {
        "id": customer_id,
        "object": "customer",
        "balance": 0,
        "created": created,
        "currency": "usd",
        "delinquent": False,
        "description": None,
        "email": "billing@example.com",
        "invoice_settings": {"default_payment_method": None, "footer": None},
        "livemode": False,
        "metadata": {"organization_id": str(organization_id)},
        "name": "Org A",
    }


def subscription(
    subscription_id: str,
    customer_id: str,
    plan: str,
    *,
    organization_id,
    created: int,
    period_start: int,
    status: str = "active",
    cancel_at_period_end: bool = False,
) -> dict:
    period_end = period_start + 30 * DAY
    return {
        "id": subscription_id,
        "object": "subscription",
        "billing_cycle_anchor": period_start,
        "cancel_at": period_end if cancel_at_period_end else None,
        "cancel_at_period_end": cancel_at_period_end,
        "canceled_at": None,
        "collection_method": "charge_automatically",
        "created": created,
        "currency": "usd",
        "customer": customer_id,
        "ended_at": None,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_{subscription_id}",
                    "object": "subscription_item",
                    "created": created,
                    "current_period_start": period_start,
                    "current_period_end": period_end,
                    "metadata": {},
                    "price": price(plan),
                    "quantity": 1,
                    "subscription": subscription_id,
                    "tax_rates": [],
                }
            ],
            "has_more": False,
            "total_count": 1,
            "url": f"/v1/subscription_items?subscription={subscription_id}",
        },
        "latest_invoice": None,
        "livemode": False,
        "metadata": {"organization_id": str(organization_id), "plan": plan},
        "start_date": created,
        "status": status,
    }


def checkout_session(
    session_id: str, customer_id, subscription_id, *, organization_id, plan: str, created: int
) -> dict:
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": AMOUNTS[plan],
        "amount_total": AMOUNTS[plan],
        "cancel_url": "http://localhost:8000/?checkout=cancel",
        "client_reference_id": str(organization_id),
        "created": created,
        "currency": "usd",
        "customer": customer_id,
        "customer_email": "billing@example.com",
        "expires_at": created + DAY,
        "livemode": False,
        "metadata": {"organization_id": str(organization_id), "plan": plan},
        "mode": "subscription",
        "payment_intent": None,
        "payment_status": "paid" if subscription_id else "unpaid",
        "setup_intent": None,
        "status": "complete" if subscription_id else "open",
        "subscription": subscription_id,
        "success_url": "http://localhost:8000/?checkout=success",
        "url": None if subscription_id else f"https://checkout.stripe.com/c/pay/{session_id}",
    }


def invoice(invoice_id: str, customer_id: str, subscription_id: str, *, created: int, paid: bool) -> dict:
    return {
        "id": invoice_id,
        "object": "invoice",
        "amount_due": AMOUNTS["pro"],
        "amount_paid": AMOUNTS["pro"] if paid else 0,
        "amount_remaining": 0 if paid else AMOUNTS["pro"],
        "attempt_count": 1,
        "attempted": True,
        "billing_reason": "subscription_cycle",
        "collection_method": "charge_automatically",
        "created": created,
        "currency": "usd",
        "customer": customer_id,
        "lines": {"object": "list", "data": [], "has_more": False, "url": f"/v1/invoices/{invoice_id}/lines"},
        "livemode": False,
        "metadata": {},
        "number": f"PAL-{invoice_id[-4:]}",
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"metadata": {}, "subscription": subscription_id},
        },
        "period_end": created,
        "period_start": created - 30 * DAY,
        "status": "paid" if paid else "open",
        "subtotal": AMOUNTS["pro"],
        "total": AMOUNTS["pro"],
    }


def event(event_id: str, event_type: str, obj: dict, *, created: int) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header, computed by Stripe's own library."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def sign_by_hand(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The documented scheme: t=<ts>,v1=HMAC-SHA256(secret, "<ts>.<payload>")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body(evt: dict) -> str:
    return json.dumps(evt, separators=(",", ":"))
