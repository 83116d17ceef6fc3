"""Demo data: the demo organization on the pro plan, part-way through its scan quota."""

from billing.models import Plan, Subscription, UsageCounter, UsageResource, UsageWindow
from billing.services import subscription_current, usage_record
from billing.services.subscriptions import subscription_changed

DEMO_USAGE = {UsageResource.SCANS: 234, UsageResource.API_CALLS: 1800, UsageResource.AI_CALLS: 42}


def load(*, organization, admin) -> None:
    """Idempotent: runs once per billing cycle of the demo organization (while it has no usage)."""
    subscription = subscription_current(organization=organization)
    if (
        UsageCounter.objects.for_organization(organization)
        .filter(window=UsageWindow.CYCLE, window_start=subscription.billing_cycle_start)
        .exists()
    ):
        return
    pro = Plan.objects.filter(code="pro").first()
    if pro is not None and not subscription.stripe_subscription_id:
        Subscription.objects.for_organization(organization).filter(pk=subscription.pk).update(plan=pro)
        subscription_changed(subscription)
    for resource, amount in DEMO_USAGE.items():
        usage_record(organization, resource, amount)
