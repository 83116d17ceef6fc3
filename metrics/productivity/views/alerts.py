"""Alert rules (metrics/alert-rules: managers write) and fired alerts (metrics/alerts)."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from metrics.productivity.models import AlertRule, ProductivityAlert, Severity
from metrics.productivity.serializers.alerts import (
    AlertRuleInputSerializer,
    AlertRuleOutputSerializer,
    ProductivityAlertOutputSerializer,
)
from metrics.productivity.services import alerts as services
from organizations.models import Membership, Team
from organizations.permissions import IsOrgEditor, IsOrgManagerOrReadOnly
from organizations.viewsets import OrganizationScopedViewSet

TAGS = ["productivity alerts"]


class AlertRuleFilter(django_filters.FilterSet):
    metric_type = django_filters.CharFilter()
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = AlertRule
        fields = ["metric_type", "severity", "is_active"]


class AlertFilter(django_filters.FilterSet):
    rule_id = django_filters.UUIDFilter(field_name="rule_id")
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    metric_type = django_filters.CharFilter()
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ProductivityAlert
        fields = ["rule_id", "severity", "metric_type", "acknowledged"]


@extend_schema_view(
    list=extend_schema(summary="Alert rules", tags=TAGS),
    retrieve=extend_schema(summary="One alert rule", tags=TAGS),
)
class AlertRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = AlertRule.objects.all()
    serializer_class = AlertRuleOutputSerializer
    permission_classes = [IsOrgManagerOrReadOnly]
    filterset_class = AlertRuleFilter
    ordering_fields = ["name", "created_at", "severity"]
    ordering = ["name"]
    search_fields = ["name", "metric_type"]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def _check_targets(self, values: dict) -> None:
        if (
            values.get("team_id")
            and not Team.objects.for_organization(self.organization).filter(pk=values["team_id"]).exists()
        ):
            raise serializers.ValidationError({"team_id": ["No such team in this organization."]})
        if (
            values.get("user_id")
            and not Membership.objects.for_organization(self.organization)
            .filter(user_id=values["user_id"])
            .exists()
        ):
            raise serializers.ValidationError({"user_id": ["No such member in this organization."]})

    @extend_schema(
        summary="Create an alert rule (managers and admins)",
        request=AlertRuleInputSerializer,
        responses={201: AlertRuleOutputSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = AlertRuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._check_targets(data.validated_data)
        rule = services.alert_rule_create(
            organization=self.organization,
            created_by=request.user if request.user.pk else None,
            **data.validated_data,
        )
        return Response(AlertRuleOutputSerializer(rule).data, status=status.HTTP_201_CREATED)

    def _change(self, request, partial: bool):
        rule = self.get_object()
        data = AlertRuleInputSerializer(rule, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        self._check_targets(data.validated_data)
        rule = services.alert_rule_update(rule=rule, changes=dict(data.validated_data))
        return Response(AlertRuleOutputSerializer(rule).data)

    @extend_schema(
        summary="Replace an alert rule",
        request=AlertRuleInputSerializer,
        responses=AlertRuleOutputSerializer,
        tags=TAGS,
    )
    def update(self, request, pk=None):
        return self._change(request, partial=False)

    @extend_schema(
        summary="Change an alert rule",
        request=AlertRuleInputSerializer,
        responses=AlertRuleOutputSerializer,
        tags=TAGS,
    )
    def partial_update(self, request, pk=None):
        return self._change(request, partial=True)

    @extend_schema(summary="Delete an alert rule (its alerts go with it)", responses={204: None}, tags=TAGS)
    def destroy(self, request, pk=None):
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Fired productivity alerts, newest first", tags=TAGS),
    retrieve=extend_schema(summary="One fired alert", tags=TAGS),
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = ProductivityAlert.objects.all()
    serializer_class = ProductivityAlertOutputSerializer
    permission_classes = [IsOrgEditor]
    filterset_class = AlertFilter
    ordering_fields = ["created_at", "severity", "metric_value"]
    ordering = ["-created_at"]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    @extend_schema(
        summary="Acknowledge an alert (editors and above)",
        request=None,
        responses=ProductivityAlertOutputSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = services.alert_acknowledge(alert=self.get_object(), at=timezone.now())
        return Response(ProductivityAlertOutputSerializer(alert).data)
