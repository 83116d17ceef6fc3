"""Seed E's subscriptions: thin views over billing.services and billing.selectors."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import set_active_organization
from billing import selectors, services
from billing.serializers import (
    ORG_ID_HELP,
    PlanOutputSerializer,
    StripeEventInputSerializer,
    StripeWebhookOutputSerializer,
    SubscriptionOutputSerializer,
    UpgradeInputSerializer,
    UpgradeOutputSerializer,
    UsageOutputSerializer,
)
from organizations.permissions import IsOrgAdmin, IsOrgMember, request_api_key
from organizations.selectors import membership_for

TAGS = ["subscriptions"]
ORG_ID = OpenApiParameter("org_id", str, required=False, description=ORG_ID_HELP)


class OrganizationByOrgIdMixin:
    """Seed E names the organization with `org_id`: it must be one the caller belongs to (else 404),
    and it becomes the active organization before permissions (roles) are checked."""

    def check_permissions(self, request):
        source = request.query_params if request.method == "GET" else request.data
        org_id = str(source.get("org_id") or "") if hasattr(source, "get") else ""
        if org_id and request.user and request.user.is_authenticated:
            self._activate(request, org_id)
        super().check_permissions(request)

    def _activate(self, request, org_id: str) -> None:
        key = request_api_key(request)
        if key is not None:
            organization = key.organization
            if org_id not in (str(organization.pk), organization.slug):
                raise NotFound("No such organization.")
            return
        membership = membership_for(user=request.user, organization_ref=org_id)
        if membership is None or not membership.is_active:
            raise NotFound("No such organization.")
        set_active_organization(request, membership)


class SubscriptionView(OrganizationByOrgIdMixin, APIView):
    permission_classes = [IsOrgMember]

    @extend_schema(
        summary="The organization's subscription: plan, limits, usage and billing cycle",
        parameters=[ORG_ID],
        responses={200: SubscriptionOutputSerializer},
        tags=TAGS,
    )
    def get(self, request):
        subscription = services.subscription_current(organization=request.organization)
        return Response(
            SubscriptionOutputSerializer(selectors.subscription_summary(subscription=subscription)).data
        )


class SubscriptionUpgradeView(OrganizationByOrgIdMixin, APIView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Change the plan (admins): upgrades now, downgrades at the end of the cycle",
        description=(
            "Without Stripe configured (embedded default) the plan changes directly (`mode: embedded`). "
            "With Stripe, an organization without a Stripe subscription gets a Checkout session "
            "(`checkout_url`); one with a subscription has it updated at Stripe."
        ),
        request=UpgradeInputSerializer,
        responses={200: UpgradeOutputSerializer},
        tags=TAGS,
    )
    def post(self, request):
        data = UpgradeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.subscription_change_plan(
            organization=request.organization,
            new_plan=data.validated_data["new_plan"],
            actor=request.user,
            request=request,
        )
        return Response(UpgradeOutputSerializer(change).data)


class SubscriptionUsageView(OrganizationByOrgIdMixin, APIView):
    permission_classes = [IsOrgMember]

    @extend_schema(
        summary="Usage in the current billing cycle (and today) against the plan's limits",
        parameters=[ORG_ID],
        responses={200: UsageOutputSerializer},
        tags=TAGS,
    )
    def get(self, request):
        subscription = services.subscription_current(organization=request.organization)
        return Response(UsageOutputSerializer(selectors.usage_report(subscription=subscription)).data)


class PlanListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The plans one can subscribe to", responses={200: PlanOutputSerializer(many=True)}, tags=TAGS
    )
    def get(self, request):
        return Response(PlanOutputSerializer(selectors.plans_list(), many=True).data)


class StripeWebhookView(APIView):
    """Public, but only a body signed with STRIPE_WEBHOOK_SECRET is ever acted on."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    rate_group = None  # Stripe retries; the signature check is the gate

    @extend_schema(
        summary="Stripe webhook (verified with the Stripe-Signature header)",
        parameters=[OpenApiParameter("Stripe-Signature", str, OpenApiParameter.HEADER, required=True)],
        request=StripeEventInputSerializer,
        responses={200: StripeWebhookOutputSerializer},
        auth=[],
        tags=TAGS,
    )
    def post(self, request):
        result = services.stripe_webhook_process(
            payload=request._request.body, signature=request.headers.get("Stripe-Signature")
        )
        return Response(StripeWebhookOutputSerializer(result).data)
