"""The plan catalog (seed E's table) and a free subscription for every existing organization.

Plans are data from here on: change prices, limits or Stripe price ids in the admin.
"""

import calendar

from django.db import migrations
from django.utils import timezone

PLANS = [
    {
        "code": "free",
        "name": "Free",
        "rank": 0,
        "monthly_price": 0,
        "scans_per_month": 50,
        "api_calls_per_day": 1_000,
        "ai_calls_per_month": 25,
        "requests_per_second": 10,
        "ingest_events_per_minute": 600,
        "seats": 3,
        "includes_custom_rules": False,
        "includes_slack": False,
        "includes_soc2": False,
        "includes_ai_assistant": True,
        "includes_ai_playbooks": False,
    },
    {
        "code": "pro",
        "name": "Pro",
        "rank": 10,
        "monthly_price": 29_900,
        "scans_per_month": 1_000,
        "api_calls_per_day": 50_000,
        "ai_calls_per_month": 2_000,
        "requests_per_second": 50,
        "ingest_events_per_minute": 6_000,
        "seats": 25,
        "includes_custom_rules": True,
        "includes_slack": True,
        "includes_soc2": True,
        "includes_ai_assistant": True,
        "includes_ai_playbooks": True,
    },
    {
        "code": "enterprise",
        "name": "Enterprise",
        "rank": 20,
        "monthly_price": 99_900,
        "scans_per_month": None,
        "api_calls_per_day": None,
        "ai_calls_per_month": None,
        "requests_per_second": 100,
        "ingest_events_per_minute": 60_000,
        "seats": None,
        "includes_custom_rules": True,
        "includes_slack": True,
        "includes_soc2": True,
        "includes_ai_assistant": True,
        "includes_ai_playbooks": True,
    },
]


def _add_month(moment):
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    Subscription = apps.get_model("billing", "Subscription")
    Organization = apps.get_model("organizations", "Organization")
    for values in PLANS:
        Plan.objects.update_or_create(code=values["code"], defaults=values)
    free = Plan.objects.get(code="free")
    now = timezone.now()
    subscribed = set(Subscription.objects.values_list("organization_id", flat=True))
    Subscription.objects.bulk_create(
        Subscription(organization_id=pk, plan=free, billing_cycle_start=now, billing_cycle_end=_add_month(now))
        for pk in Organization.objects.exclude(pk__in=subscribed).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_plans_subscriptions_usage")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
