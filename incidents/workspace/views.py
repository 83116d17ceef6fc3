"""The incident workspace under /api/v1/incidents (seed B): thin views over workspace selectors/services."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.errors import ApplicationError, ErrorCode
from incidents.filters import IncidentFilter
from incidents.threats.selectors import detection_settings, incident_for
from incidents.workspace import analysis, selectors, services
from incidents.workspace.models import IncidentComment
from incidents.workspace.serializers import (
    AiAnalysisOutputSerializer,
    AssignInputSerializer,
    AttackPathsOutputSerializer,
    AttackPathsQuerySerializer,
    CommentInputSerializer,
    CommentOutputSerializer,
    ContextOutputSerializer,
    IncidentDetailOutputSerializer,
    IncidentOutputSerializer,
    MergeInputSerializer,
    SimilarIncidentSerializer,
    StatusInputSerializer,
    ThreatStatusOutputSerializer,
    TimelineOutputSerializer,
    TimelineQuerySerializer,
)
from organizations.permissions import IsOrgEditor
from organizations.viewsets import OrganizationScopedViewSet

INCIDENTS = ["incidents"]
ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="INC-YYYY-NNNN")
LIST_PARAMS = [
    OpenApiParameter("search", str, description="Matches the human id, title or source ip."),
    OpenApiParameter(
        "ordering",
        str,
        description="risk_score, last_seen_at, first_seen_at, threat_count, event_count, severity; - for descending.",
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="Incidents with risk score, ML confidence and escalation",
        parameters=LIST_PARAMS,
        tags=INCIDENTS,
    ),
)
class IncidentViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    queryset = selectors.Incident.objects.all()
    serializer_class = IncidentOutputSerializer
    permission_classes = [IsOrgEditor]
    filterset_class = IncidentFilter
    search_fields = ["human_id", "title", "source_ip"]
    ordering_fields = [
        "risk_score",
        "last_seen_at",
        "first_seen_at",
        "threat_count",
        "event_count",
        "severity",
    ]
    ordering = ["-last_seen_at"]
    lookup_field = "human_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "INC-[0-9]{4}-[0-9]{4,}"

    @property
    def rate_group(self) -> str:
        return "ai" if getattr(self, "action", None) == "ai_analysis" else "standard"

    def scope_queryset(self, queryset):
        if self.action == "real":
            return selectors.incidents_real(self.organization)
        return selectors.incidents_list(self.organization)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self.request, "organization", None) is not None:
            context["detection_settings"] = detection_settings(self.organization)
        return context

    @extend_schema(
        summary="Real incidents only (no synthetic or simulated threat)",
        parameters=LIST_PARAMS,
        responses=IncidentOutputSerializer(many=True),
        tags=INCIDENTS,
    )
    @action(detail=False, methods=["get"])
    def real(self, request):
        return self.list(request)

    @extend_schema(
        summary="One incident with its threats, AI analysis, comments, activity and timeline",
        parameters=[ID],
        responses=IncidentDetailOutputSerializer,
        tags=INCIDENTS,
    )
    def retrieve(self, request, id=None):
        return Response(IncidentDetailOutputSerializer(selectors.incident_detail(self.get_object())).data)

    @extend_schema(
        summary="Change the status (open, investigating, contained, resolved, false_positive)",
        parameters=[ID],
        request=StatusInputSerializer,
        responses=IncidentOutputSerializer,
        tags=INCIDENTS,
    )
    @action(detail=True, methods=["post"])
    def status(self, request, id=None):
        incident = self.get_object()
        data = StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.incident_status_change(
            incident=incident, actor=request.user, request=request, **data.validated_data
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Assign to a member of the organization (null unassigns)",
        parameters=[ID],
        request=AssignInputSerializer,
        responses=IncidentOutputSerializer,
        tags=INCIDENTS,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, id=None):
        incident = self.get_object()
        data = AssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.incident_assign(
            incident=incident,
            assignee_id=data.validated_data["assignee_id"],
            actor=request.user,
            request=request,
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        methods=["get"],
        summary="Comments on the incident",
        parameters=[ID],
        responses=CommentOutputSerializer(many=True),
        tags=INCIDENTS,
    )
    @extend_schema(
        methods=["post"],
        summary="Add a comment or note",
        parameters=[ID],
        request=CommentInputSerializer,
        responses={201: CommentOutputSerializer},
        tags=INCIDENTS,
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def comments(self, request, id=None):
        incident = self.get_object()
        if request.method == "GET":
            rows = IncidentComment.objects.for_organization(self.organization).filter(incident=incident)
            return Response(CommentOutputSerializer(rows, many=True).data)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.incident_comment_add(
            incident=incident, body=data.validated_data["body"], actor=request.user
        )
        return Response(CommentOutputSerializer(comment).data, status=201)

    @extend_schema(
        summary="Events and threats over time, bucketed",
        parameters=[TimelineQuerySerializer],
        responses=TimelineOutputSerializer,
        tags=INCIDENTS,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request):
        query = TimelineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        interval = query.validated_data["interval"]
        end = query.validated_data.get("to_date") or timezone.now()
        span = {"hour": timedelta(hours=24), "day": timedelta(days=30), "week": timedelta(weeks=12)}[interval]
        start = query.validated_data.get("from_date") or end - span
        if end - start > timedelta(days=731):
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR, "At most two years at a time.", {"from_date": ["Too far back."]}
            )
        buckets = selectors.activity_over_time(self.organization, interval=interval, start=start, end=end)
        return Response(
            TimelineOutputSerializer(
                {"interval": interval, "from_date": start, "to_date": end, "buckets": buckets}
            ).data
        )

    @extend_schema(
        summary="Attack paths: source -> technique -> target chains ordered along the ATT&CK kill chain",
        parameters=[AttackPathsQuerySerializer],
        responses=AttackPathsOutputSerializer,
        tags=INCIDENTS,
    )
    @action(detail=False, methods=["get"], url_path="attack-paths", pagination_class=None, filter_backends=[])
    def attack_paths(self, request):
        query = AttackPathsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since = timezone.now() - timedelta(days=query.validated_data["days"])
        paths = selectors.attack_paths(self.organization, since=since, limit=query.validated_data["limit"])
        return Response(AttackPathsOutputSerializer({"since": since, "paths": paths}).data)

    @extend_schema(
        summary="Compact context of one incident for a language model or an analyst",
        parameters=[ID],
        responses=ContextOutputSerializer,
        tags=INCIDENTS,
    )
    @action(detail=True, methods=["get"])
    def context(self, request, id=None):
        return Response(ContextOutputSerializer(selectors.incident_context(self.get_object())).data)

    @extend_schema(
        summary="Comprehensive threat status: containment, open threats, indicators, recurrence",
        parameters=[ID],
        responses=ThreatStatusOutputSerializer,
        tags=INCIDENTS,
    )
    @action(detail=True, methods=["get"], url_path="threat-status")
    def threat_status(self, request, id=None):
        return Response(
            ThreatStatusOutputSerializer(selectors.incident_threat_status(self.get_object())).data
        )

    @extend_schema(
        summary="Related incidents ranked by shared observables and techniques",
        parameters=[ID],
        responses=SimilarIncidentSerializer(many=True),
        tags=INCIDENTS,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def similar(self, request, id=None):
        ranked = selectors.similar_incidents(self.get_object())
        return Response(
            SimilarIncidentSerializer(ranked, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Analyse the incident through the AI provider layer (offline: the local rule-based analyst)",
        parameters=[ID],
        request=None,
        responses=AiAnalysisOutputSerializer,
        tags=INCIDENTS,
    )
    @action(detail=True, methods=["post"], url_path="ai-analysis")
    def ai_analysis(self, request, id=None):
        incident = analysis.incident_ai_analysis(incident=self.get_object(), user=request.user)
        return Response(AiAnalysisOutputSerializer(incident).data)

    @extend_schema(
        summary="Merge incidents into one (threats and observables move; an audit trail on each)",
        request=MergeInputSerializer,
        responses=IncidentOutputSerializer,
        tags=INCIDENTS,
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def merge(self, request):
        data = MergeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        references = [data.validated_data["target_id"], *data.validated_data["source_ids"]]
        found = {ref: incident_for(self.organization, ref) for ref in references}
        missing = [ref for ref, incident in found.items() if incident is None]
        if missing:
            raise ApplicationError(ErrorCode.NOT_FOUND, "Some incidents do not exist.", {"missing": missing})
        target = services.incidents_merge(
            organization=self.organization,
            target_id=found[references[0]].pk,
            source_ids=[found[ref].pk for ref in references[1:]],
            actor=request.user,
            request=request,
        )
        merged = selectors.incidents_list(self.organization).get(pk=target.pk)
        return Response(self.get_serializer(merged).data)
