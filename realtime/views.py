from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import ApplicationError, ErrorCode
from organizations.permissions import IsOrgAdmin, IsOrgMember
from organizations.viewsets import OrganizationScopedViewSet
from realtime import selectors, services
from realtime.models import SubscriptionSource, WebhookSubscription
from realtime.permissions import IsOrgAdminOrMcpKey
from realtime.serializers import (
    McpHookRegisterInputSerializer,
    McpHookRegisterOutputSerializer,
    WebhookDeliveryOutputSerializer,
    WebhookEventTypeOutputSerializer,
    WebhookSubscriptionCreatedOutputSerializer,
    WebhookSubscriptionInputSerializer,
    WebhookSubscriptionOutputSerializer,
    WebhookSubscriptionUpdateSerializer,
    WebhookTestInputSerializer,
)

WEBHOOKS = ["webhooks"]
UUID_PATTERN = "[0-9a-fA-F-]{36}"


@extend_schema_view(
    list=extend_schema(summary="Webhook subscriptions of the organization (admin)", tags=WEBHOOKS),
    retrieve=extend_schema(summary="One webhook subscription (admin)", tags=WEBHOOKS),
)
class WebhookSubscriptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Seed B's webhooks/subscriptions. Admin only: a subscription sends the organization's events out."""

    queryset = WebhookSubscription.objects.all()
    serializer_class = WebhookSubscriptionOutputSerializer
    permission_classes = [IsOrgAdmin]
    filterset_fields = ["is_active", "source"]
    search_fields = ["url", "description"]
    ordering_fields = ["created_at", "url"]
    ordering = ["-created_at"]
    lookup_value_regex = UUID_PATTERN

    @extend_schema(
        summary="Create a webhook subscription (the secret is shown once)",
        request=WebhookSubscriptionInputSerializer,
        responses={201: WebhookSubscriptionCreatedOutputSerializer},
        tags=WEBHOOKS,
    )
    def create(self, request):
        data = WebhookSubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscription_create(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        return Response(
            WebhookSubscriptionCreatedOutputSerializer(subscription).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Change a webhook subscription (true `is_active` re-enables it)",
        request=WebhookSubscriptionUpdateSerializer,
        responses=WebhookSubscriptionOutputSerializer,
        tags=WEBHOOKS,
    )
    def partial_update(self, request, pk=None):
        subscription = self.get_object()
        data = WebhookSubscriptionUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscription_update(subscription=subscription, **data.validated_data)
        return Response(WebhookSubscriptionOutputSerializer(subscription).data)

    @extend_schema(
        summary="Delete a webhook subscription and its delivery history", responses={204: None}, tags=WEBHOOKS
    )
    def destroy(self, request, pk=None):
        services.webhook_subscription_delete(subscription=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Deliveries of a subscription, newest first, each with its attempts",
        responses=WebhookDeliveryOutputSerializer(many=True),
        filters=False,
        tags=WEBHOOKS,
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        deliveries = selectors.deliveries_of(subscription=self.get_object())
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliveryOutputSerializer(page, many=True).data)


class WebhookTestViewSet(OrganizationScopedViewSet):
    """Seed B's webhooks/test: one signed POST now, recorded like any delivery."""

    queryset = WebhookSubscription.objects.all()
    serializer_class = WebhookDeliveryOutputSerializer
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        summary="Send a test event to a subscription now and return the attempt",
        request=WebhookTestInputSerializer,
        responses={200: WebhookDeliveryOutputSerializer},
        tags=WEBHOOKS,
    )
    def create(self, request):
        data = WebhookTestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = self.get_queryset().filter(pk=data.validated_data["subscription_id"]).first()
        if subscription is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "No such webhook subscription in this organization.")
        delivery = services.webhook_test(subscription=subscription, actor=request.user)
        delivery = selectors.deliveries_of(subscription=subscription).get(pk=delivery.pk)
        return Response(WebhookDeliveryOutputSerializer(delivery).data)


class WebhookEventTypesView(APIView):
    """Seed B's webhooks/events."""

    permission_classes = [IsOrgMember]

    @extend_schema(
        summary="Event types a webhook can subscribe to",
        responses=WebhookEventTypeOutputSerializer(many=True),
        tags=WEBHOOKS,
    )
    def get(self, request):
        return Response(WebhookEventTypeOutputSerializer(selectors.webhook_event_types(), many=True).data)


class McpHookViewSet(OrganizationScopedViewSet):
    """Seed C's mcp/hooks/register: the same subscriptions, registered by an admin or an MCP server key."""

    queryset = WebhookSubscription.objects.all()
    serializer_class = McpHookRegisterOutputSerializer
    permission_classes = [IsOrgAdminOrMcpKey]

    @extend_schema(
        summary="Register a webhook for MCP / Claude Code integration",
        request=McpHookRegisterInputSerializer,
        responses={201: McpHookRegisterOutputSerializer},
        tags=["mcp"],
    )
    def create(self, request):
        data = McpHookRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claimed = data.validated_data.get("organization_id")
        if claimed is not None and claimed != self.organization.pk:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "organization_id: not the organization of these credentials.",
                {"fields": {"organization_id": ["Not the organization of these credentials."]}},
            )
        subscription = services.webhook_subscription_create(
            organization=self.organization,
            url=data.validated_data["hook_url"],
            events=data.validated_data["events"],
            secret=data.validated_data.get("secret"),
            actor=request.user,
            source=SubscriptionSource.MCP,
        )
        return Response(McpHookRegisterOutputSerializer(subscription).data, status=status.HTTP_201_CREATED)
