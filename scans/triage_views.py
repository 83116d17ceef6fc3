"""Findings and their triage (per finding and by rules, with a preview), and the prompt allow-list.

Thin: parse, call one service or selector, render. Reads are open to every member; writes need
the manager role (a triage verdict hides findings from everyone's summaries and risk scores).
"""

from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from organizations.permissions import IsOrgManagerOrReadOnly
from organizations.viewsets import OrganizationScopedViewSet
from scans.filters import FindingFilter, PromptAllowEntryFilter, TriageRuleFilter
from scans.models import Finding, PromptAllowEntry, TriageRule
from scans.pagination import SkipLimitPagination
from scans.services import allow_list, triage
from scans.triage_serializers import (
    DryRunSerializer,
    FindingOutputSerializer,
    FindingTriageInputSerializer,
    FindingTriageOutputSerializer,
    PromptAllowEntryInputSerializer,
    PromptAllowEntryOutputSerializer,
    PromptAllowEntryUpdateSerializer,
    TriageEffectSerializer,
    TriageRuleInputSerializer,
    TriageRuleOutputSerializer,
    TriageRuleUpdateSerializer,
    TriageRuleWriteOutputSerializer,
)
from scans.views import UUID_PATTERN, _project_or_404

DRY_RUN = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    description="Return the effect (findings and scans that would change) and change nothing.",
)


def _dry_run(request) -> bool:
    parsed = DryRunSerializer(data=request.query_params)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data["dry_run"]


def _effect(effect: triage.TriageEffect, *, dry_run: bool) -> dict:
    return TriageEffectSerializer({**triage.effect_summary(effect), "dry_run": dry_run}).data


def _run(write, *, dry_run: bool) -> triage.TriageEffect:
    return triage.previewed(write) if dry_run else write()


@extend_schema_view(
    list=extend_schema(
        summary="Findings of the organization across scans, with their states", tags=["findings"]
    ),
    retrieve=extend_schema(summary="One finding", tags=["findings"]),
)
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Finding.objects.all()
    serializer_class = FindingOutputSerializer
    permission_classes = [IsOrgManagerOrReadOnly]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = FindingFilter
    pagination_class = SkipLimitPagination
    lookup_url_kwarg = "finding_id"
    lookup_value_regex = UUID_PATTERN

    def scope_queryset(self, queryset):
        return queryset.order_by("-created_at", "pk")

    @extend_schema(
        summary="Triage a finding: false_positive, accepted_risk (with expires_at), exception, or back to open",
        request=FindingTriageInputSerializer,
        parameters=[DRY_RUN],
        responses={200: FindingTriageOutputSerializer},
        tags=["findings"],
    )
    def triage(self, request, finding_id=None):
        finding = self.get_object()
        data = FindingTriageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dry_run = _dry_run(request)
        effect = _run(
            lambda: triage.finding_triage(
                finding=finding, actor=request.user, request=request, **data.validated_data
            ),
            dry_run=dry_run,
        )
        shown = effect.target if not dry_run else self.get_object()
        return Response(
            {"finding": FindingOutputSerializer(shown).data, "effect": _effect(effect, dry_run=dry_run)}
        )


@extend_schema_view(
    list=extend_schema(
        summary="Triage rules (exceptions and bulk verdicts) of the organization", tags=["triage"]
    ),
    retrieve=extend_schema(summary="One triage rule", tags=["triage"]),
)
class TriageRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = TriageRule.objects.all()
    serializer_class = TriageRuleOutputSerializer
    permission_classes = [IsOrgManagerOrReadOnly]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = TriageRuleFilter
    pagination_class = SkipLimitPagination
    lookup_url_kwarg = "triage_rule_id"
    lookup_value_regex = UUID_PATTERN

    def scope_queryset(self, queryset):
        return queryset.order_by("-created_at", "pk")

    def _fields(self, values: dict) -> dict:
        if "project_id" in values:
            values["project"] = _project_or_404(self.organization, values.pop("project_id"))
        return values

    def _create(self, request, *, dry_run: bool):
        data = TriageRuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = self._fields(dict(data.validated_data))
        return _run(
            lambda: triage.triage_rule_create(
                organization=self.organization, actor=request.user, request=request, **fields
            ),
            dry_run=dry_run,
        )

    @extend_schema(
        summary="Create a triage rule; it applies now to the open findings it matches and to every future scan",
        request=TriageRuleInputSerializer,
        parameters=[DRY_RUN],
        responses={201: TriageRuleWriteOutputSerializer, 200: TriageEffectSerializer},
        tags=["triage"],
    )
    def create(self, request):
        dry_run = _dry_run(request)
        effect = self._create(request, dry_run=dry_run)
        if dry_run:
            return Response(_effect(effect, dry_run=True))
        return Response(
            {
                "triage_rule": TriageRuleOutputSerializer(effect.target).data,
                "effect": _effect(effect, dry_run=False),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Preview a new triage rule: the findings and scans it would change (nothing is saved)",
        request=TriageRuleInputSerializer,
        responses={200: TriageEffectSerializer},
        tags=["triage"],
    )
    def preview(self, request):
        return Response(_effect(self._create(request, dry_run=True), dry_run=True))

    @extend_schema(
        summary="Change a triage rule (fields not sent are kept); findings follow its new scope",
        request=TriageRuleUpdateSerializer,
        parameters=[DRY_RUN],
        responses={200: TriageRuleWriteOutputSerializer},
        tags=["triage"],
    )
    def update(self, request, triage_rule_id=None):
        rule = self.get_object()
        data = TriageRuleUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = self._fields(dict(data.validated_data))
        dry_run = _dry_run(request)
        effect = _run(
            lambda: triage.triage_rule_update(rule=rule, actor=request.user, request=request, **fields),
            dry_run=dry_run,
        )
        shown = self.get_object() if dry_run else effect.target
        return Response(
            {
                "triage_rule": TriageRuleOutputSerializer(shown).data,
                "effect": _effect(effect, dry_run=dry_run),
            }
        )

    @extend_schema(
        summary="Delete a triage rule: what it triaged reopens (unless another rule covers it)",
        parameters=[DRY_RUN],
        responses={204: None, 200: TriageEffectSerializer},
        tags=["triage"],
    )
    def destroy(self, request, triage_rule_id=None):
        rule = self.get_object()
        dry_run = _dry_run(request)
        effect = _run(
            lambda: triage.triage_rule_delete(rule=rule, actor=request.user, request=request), dry_run=dry_run
        )
        if dry_run:
            return Response(_effect(effect, dry_run=True))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="The organization's prompt allow-list", tags=["prompt-allow-list"]),
    retrieve=extend_schema(summary="One allow-list entry", tags=["prompt-allow-list"]),
)
class PromptAllowEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = PromptAllowEntry.objects.all()
    serializer_class = PromptAllowEntryOutputSerializer
    permission_classes = [IsOrgManagerOrReadOnly]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PromptAllowEntryFilter
    pagination_class = SkipLimitPagination
    lookup_url_kwarg = "entry_id"
    lookup_value_regex = UUID_PATTERN

    def scope_queryset(self, queryset):
        return queryset.order_by("-created_at", "pk")

    @extend_schema(
        summary="Declare a phrase or `*` pattern benign in the organization's prompts (future prompt scans)",
        request=PromptAllowEntryInputSerializer,
        responses={201: PromptAllowEntryOutputSerializer},
        tags=["prompt-allow-list"],
    )
    def create(self, request):
        data = PromptAllowEntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = allow_list.prompt_allow_entry_create(
            organization=self.organization, actor=request.user, request=request, **data.validated_data
        )
        return Response(PromptAllowEntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an allow-list entry (fields not sent are kept)",
        request=PromptAllowEntryUpdateSerializer,
        responses={200: PromptAllowEntryOutputSerializer},
        tags=["prompt-allow-list"],
    )
    def update(self, request, entry_id=None):
        entry = self.get_object()
        data = PromptAllowEntryUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = allow_list.prompt_allow_entry_update(
            entry=entry, actor=request.user, request=request, **data.validated_data
        )
        return Response(PromptAllowEntryOutputSerializer(entry).data)

    @extend_schema(summary="Remove an allow-list entry", responses={204: None}, tags=["prompt-allow-list"])
    def destroy(self, request, entry_id=None):
        allow_list.prompt_allow_entry_delete(entry=self.get_object(), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
