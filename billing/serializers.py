from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import SubscriptionStatus, UsageResource, UsageWindow

ORG_ID_HELP = "The organization (id or slug); you must belong to it. Defaults to your active organization."


class PlanOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    monthly_price = serializers.IntegerField(help_text="In cents.")
    currency = serializers.CharField()
    scans_per_month = serializers.IntegerField(allow_null=True, help_text="Empty: unlimited.")
    api_calls_per_day = serializers.IntegerField(allow_null=True, help_text="Empty: unlimited.")
    ai_calls_per_month = serializers.IntegerField(allow_null=True, help_text="Empty: unlimited.")
    requests_per_second = serializers.IntegerField()
    ingest_events_per_minute = serializers.IntegerField()
    seats = serializers.IntegerField(allow_null=True, help_text="Empty: unlimited.")
    includes_custom_rules = serializers.BooleanField()
    includes_slack = serializers.BooleanField()
    includes_soc2 = serializers.BooleanField()
    includes_ai_assistant = serializers.BooleanField()
    includes_ai_playbooks = serializers.BooleanField()


class SubscriptionOutputSerializer(serializers.Serializer):
    """Seed E's subscription, plus what Palisade adds (pending downgrade, effective plan, grace)."""

    id = serializers.UUIDField(source="subscription.id")
    organization_id = serializers.UUIDField(source="subscription.organization_id")
    plan = serializers.CharField(source="plan.code")
    plan_name = serializers.CharField(source="plan.name")
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices, source="subscription.status")
    monthly_price = serializers.IntegerField(source="plan.monthly_price", help_text="In cents.")
    currency = serializers.CharField(source="plan.currency")
    scans_per_month = serializers.IntegerField(source="effective_plan.scans_per_month", allow_null=True)
    scans_used = serializers.IntegerField()
    api_calls_per_day = serializers.IntegerField(source="effective_plan.api_calls_per_day", allow_null=True)
    ai_calls_per_month = serializers.IntegerField(source="effective_plan.ai_calls_per_month", allow_null=True)
    requests_per_second = serializers.IntegerField(source="effective_plan.requests_per_second")
    ingest_events_per_minute = serializers.IntegerField(source="effective_plan.ingest_events_per_minute")
    seats = serializers.IntegerField(source="effective_plan.seats", allow_null=True)
    includes_custom_rules = serializers.BooleanField(source="effective_plan.includes_custom_rules")
    includes_slack = serializers.BooleanField(source="effective_plan.includes_slack")
    includes_soc2 = serializers.BooleanField(source="effective_plan.includes_soc2")
    includes_ai_assistant = serializers.BooleanField(source="effective_plan.includes_ai_assistant")
    includes_ai_playbooks = serializers.BooleanField(source="effective_plan.includes_ai_playbooks")
    limits_plan = serializers.CharField(
        source="effective_plan.code",
        help_text="The plan whose limits apply now: the free plan once a past_due grace period is over.",
    )
    billing_cycle_start = serializers.DateTimeField(source="subscription.billing_cycle_start")
    billing_cycle_end = serializers.DateTimeField(source="subscription.billing_cycle_end")
    pending_plan = serializers.SerializerMethodField(
        help_text="A downgrade taking effect at billing_cycle_end."
    )
    past_due_since = serializers.DateTimeField(source="subscription.past_due_since", allow_null=True)
    grace_period_ends_at = serializers.DateTimeField(allow_null=True)
    stripe_managed = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pending_plan(self, summary) -> str | None:
        pending = summary.subscription.pending_plan
        return pending.code if pending else None

    def get_stripe_managed(self, summary) -> bool:
        return bool(summary.subscription.stripe_subscription_id)


class UpgradeInputSerializer(serializers.Serializer):
    org_id = serializers.CharField(required=False, help_text=ORG_ID_HELP)
    new_plan = serializers.SlugField(max_length=40, help_text="A plan code: free, pro or enterprise.")


class OverLimitSerializer(serializers.Serializer):
    resource = serializers.CharField()
    window = serializers.CharField()
    used = serializers.IntegerField()
    limit = serializers.IntegerField()


class UpgradeOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="subscription.id")
    organization_id = serializers.UUIDField(source="subscription.organization_id")
    plan = serializers.CharField(source="subscription.plan.code", help_text="The plan in force now.")
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices, source="subscription.status")
    monthly_price = serializers.IntegerField(source="subscription.plan.monthly_price")
    requested_plan = serializers.CharField(source="requested_plan.code")
    pending_plan = serializers.SerializerMethodField()
    mode = serializers.ChoiceField(
        choices=["embedded", "stripe_checkout", "stripe_subscription"],
        help_text="embedded: Stripe is not configured and the plan was changed directly.",
    )
    takes_effect = serializers.ChoiceField(choices=["immediately", "at_cycle_end", "after_checkout"])
    effective_at = serializers.DateTimeField(allow_null=True)
    checkout_url = serializers.CharField(allow_blank=True)
    checkout_session_id = serializers.CharField(allow_blank=True)
    usage_over_new_limits = OverLimitSerializer(many=True)
    message = serializers.CharField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pending_plan(self, change) -> str | None:
        pending = change.subscription.pending_plan
        return pending.code if pending else None


class UsageLineSerializer(serializers.Serializer):
    resource = serializers.ChoiceField(choices=UsageResource.choices)
    window = serializers.ChoiceField(choices=UsageWindow.choices)
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    used = serializers.IntegerField()
    limit = serializers.IntegerField(allow_null=True, help_text="Empty: unlimited.")
    remaining = serializers.IntegerField(allow_null=True)
    over_limit = serializers.BooleanField()


class UsageOutputSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField()
    plan = serializers.CharField()
    limits_plan = serializers.CharField()
    billing_cycle_start = serializers.DateTimeField()
    billing_cycle_end = serializers.DateTimeField()
    usage = UsageLineSerializer(many=True)
    pending_plan = serializers.CharField(allow_null=True)
    usage_over_pending_plan = OverLimitSerializer(
        many=True, help_text="What exceeds the limits of the plan a scheduled downgrade moves to."
    )


class StripeEventInputSerializer(serializers.Serializer):
    """A Stripe event as Stripe posts it (documentation only: the raw body is what gets verified)."""

    id = serializers.CharField()
    object = serializers.CharField()
    type = serializers.CharField()
    created = serializers.IntegerField(help_text="Unix time Stripe created the event.")
    livemode = serializers.BooleanField(required=False)
    api_version = serializers.CharField(required=False)

    def get_fields(self):
        # `data` would shadow Serializer.data as a class attribute.
        return {
            **super().get_fields(),
            "data": serializers.DictField(help_text="{object: <the Stripe object>}"),
        }


class StripeWebhookOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["processed", "duplicate", "stale", "ignored", "unmatched"])
    event_id = serializers.CharField()
    type = serializers.CharField()
