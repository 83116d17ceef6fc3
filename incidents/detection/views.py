from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from incidents.detection import rules as rule_services
from incidents.detection.models import DetectionRule, RuleException
from incidents.detection.rulesets import builtin_rules_sync
from incidents.detection.serializers import (
    BacktestInputSerializer,
    BacktestOutputSerializer,
    ExceptionInputSerializer,
    ExceptionOutputSerializer,
    ExceptionPreviewInputSerializer,
    ExceptionPreviewOutputSerializer,
    RuleDetailOutputSerializer,
    RuleInputSerializer,
    RuleOutputSerializer,
    RuleUpdateSerializer,
    UnsavedBacktestInputSerializer,
)
from incidents.filters import RuleExceptionFilter
from organizations.viewsets import OrganizationScopedViewSet

RULES = ["detection-rules"]
INVALID = OpenApiResponse(description="VALIDATION_ERROR with pySigma's messages in details.yaml")


def _range(data):
    end = data.get("to_date") or timezone.now()
    start = data.get("from_date") or end - timedelta(days=7)
    return start, end


@extend_schema_view(
    list=extend_schema(summary="Detection rules: built-in and custom, with live counters", tags=RULES),
    retrieve=extend_schema(
        summary="One rule with its Sigma YAML", tags=RULES, responses=RuleDetailOutputSerializer
    ),
)
class DetectionRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = DetectionRule.objects.all()
    serializer_class = RuleOutputSerializer
    filterset_fields = ["origin", "kind", "enabled", "level", "threat_type"]
    search_fields = ["title", "name", "threat_type"]
    ordering_fields = ["title", "hits", "created_at", "last_hit_at"]
    ordering = ["origin", "title"]

    def scope_queryset(self, queryset):
        builtin_rules_sync(self.organization)
        return queryset

    def get_serializer_class(self):
        return RuleDetailOutputSerializer if self.action == "retrieve" else RuleOutputSerializer

    @extend_schema(
        summary="Add a custom Sigma rule (validated with pySigma on save)",
        request=RuleInputSerializer,
        responses={201: RuleDetailOutputSerializer, 400: INVALID},
        tags=RULES,
    )
    def create(self, request):
        data = RuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = rule_services.rule_create(
            organization=self.organization, actor=request.user, request=request, **data.validated_data
        )
        return Response(RuleDetailOutputSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a custom rule's YAML, or switch any rule on or off",
        request=RuleUpdateSerializer,
        responses={200: RuleDetailOutputSerializer, 400: INVALID},
        tags=RULES,
    )
    def partial_update(self, request, pk=None):
        rule = self.get_object()
        data = RuleUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = rule_services.rule_update(
            rule=rule, actor=request.user, request=request, **data.validated_data
        )
        return Response(RuleDetailOutputSerializer(rule).data)

    @extend_schema(summary="Delete a custom rule", responses={204: None}, tags=RULES)
    def destroy(self, request, pk=None):
        rule_services.rule_delete(rule=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Backtest a saved rule over stored events",
        request=BacktestInputSerializer,
        responses=BacktestOutputSerializer,
        tags=RULES,
    )
    @action(detail=True, methods=["post"])
    def backtest(self, request, pk=None):
        rule = self.get_object()
        data = BacktestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        start, end = _range(data.validated_data)
        result = rule_services.backtest(organization=self.organization, rule=rule, start=start, end=end)
        return Response(BacktestOutputSerializer(result).data)

    @extend_schema(
        summary="Backtest a rule that is not saved yet",
        operation_id="detection_rules_backtest_unsaved",
        request=UnsavedBacktestInputSerializer,
        responses={200: BacktestOutputSerializer, 400: INVALID},
        tags=RULES,
    )
    @action(detail=False, methods=["post"], url_path="backtest")
    def backtest_unsaved(self, request):
        data = UnsavedBacktestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        start, end = _range(data.validated_data)
        result = rule_services.backtest(
            organization=self.organization, yaml=data.validated_data["yaml"], start=start, end=end
        )
        return Response(BacktestOutputSerializer(result).data)

    @extend_schema(
        summary="Preview an exception: how many threats it would have suppressed",
        request=ExceptionPreviewInputSerializer,
        responses=ExceptionPreviewOutputSerializer,
        tags=RULES,
    )
    @action(detail=True, methods=["post"], url_path="exceptions/preview")
    def exception_preview(self, request, pk=None):
        rule = self.get_object()
        data = ExceptionPreviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(rule_services.exception_preview(rule=rule, **data.validated_data))

    @extend_schema(
        summary="Add a scoped exception to a rule",
        request=ExceptionInputSerializer,
        responses={201: ExceptionOutputSerializer},
        tags=RULES,
    )
    @action(detail=True, methods=["post"], url_path="exceptions")
    def add_exception(self, request, pk=None):
        rule = self.get_object()
        data = ExceptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exception = rule_services.exception_create(
            rule=rule, actor=request.user, request=request, **data.validated_data
        )
        return Response(ExceptionOutputSerializer(exception).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Rule exceptions", tags=RULES),
    retrieve=extend_schema(summary="One rule exception", tags=RULES),
)
class RuleExceptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = RuleException.objects.select_related("rule")
    serializer_class = ExceptionOutputSerializer
    filterset_class = RuleExceptionFilter
    ordering = ["-created_at"]

    @extend_schema(summary="Remove a rule exception", responses={204: None}, tags=RULES)
    def destroy(self, request, pk=None):
        rule_services.exception_delete(exception=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
