"""Every API request an organization makes counts against its plan's `api_calls_per_day`."""

from rest_framework.throttling import BaseThrottle

from billing.services import quota_consume


class ApiCallQuotaThrottle(BaseThrottle):
    """Counts the call (one atomic UPDATE per meter) and refuses it with 429 RATE_LIMITED once the
    day's allowance is spent. Requests outside an organization (sign-in, demo, the Stripe
    webhook) are not API calls of anyone's plan."""

    def allow_request(self, request, view) -> bool:
        organization = getattr(request, "organization", None)
        if organization is not None:
            quota_consume(organization, "api_calls")  # raises ApplicationError (429) past the limit
        return True
