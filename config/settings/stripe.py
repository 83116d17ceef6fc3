"""Stripe through dj-stripe, and the billing rules that depend on it.

With no STRIPE_SECRET_KEY (the embedded default) plan changes apply directly and nothing talks
to Stripe. With a key, upgrades go through Stripe Checkout or a Stripe subscription update,
and Stripe's webhooks (signed with STRIPE_WEBHOOK_SECRET) drive the subscription.
"""

from config.env import env
from config.settings.api import REST_FRAMEWORK as _API_REST_FRAMEWORK

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLIC_KEY = env.str("STRIPE_PUBLIC_KEY", default="")
STRIPE_LIVE_MODE = env.bool("STRIPE_LIVE_MODE", default=STRIPE_SECRET_KEY.startswith("sk_live_"))
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Seconds a signed webhook stays acceptable (Stripe's library default: 300).
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# Where Stripe Checkout sends the customer back to.
STRIPE_CHECKOUT_SUCCESS_URL = env.str(
    "STRIPE_CHECKOUT_SUCCESS_URL", default="http://localhost:8000/?checkout=success"
)
STRIPE_CHECKOUT_CANCEL_URL = env.str(
    "STRIPE_CHECKOUT_CANCEL_URL", default="http://localhost:8000/?checkout=cancel"
)

# dj-stripe: a new installation references Stripe objects by their Stripe id.
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
# Customers belong to organizations (linked by billing.Subscription), not to users.
DJSTRIPE_SUBSCRIBER_CUSTOMER_KEY = ""

# Days a past_due subscription keeps its plan's limits before the free plan's apply.
BILLING_PAST_DUE_GRACE_DAYS = env.int("BILLING_PAST_DUE_GRACE_DAYS", default=7)

# Every organization request is an API call of its plan (counted, refused past the day's quota).
REST_FRAMEWORK = {
    **_API_REST_FRAMEWORK,
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.ratelimit.RateGroupThrottle",
        "billing.throttling.ApiCallQuotaThrottle",
    ],
}
