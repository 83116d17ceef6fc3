"""Thin views of nlp/* and workflows/nlp/*."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.api.errors import ApplicationError, ErrorCode
from incidents.models import Incident
from incidents.nlp import analysis, query, search, workflows
from incidents.nlp.models import SearchDocument
from incidents.nlp.serializers import (
    AnalysisInputSerializer,
    AnalysisOutputSerializer,
    CapabilitiesSerializer,
    ExampleSerializer,
    NlpPlanCreateInputSerializer,
    NlpPlanCreateOutputSerializer,
    NlpPlanInputSerializer,
    NlpPlanOutputSerializer,
    NlpStatusSerializer,
    QueryInputSerializer,
    QueryOutputSerializer,
    SearchInputSerializer,
    SearchOutputSerializer,
)
from organizations.permissions import IsOrgEditor
from organizations.viewsets import OrganizationScopedMixin

NLP = ["nlp"]
WORKFLOWS = ["workflows-nlp"]


class _NlpView(OrganizationScopedMixin, GenericAPIView):
    queryset = SearchDocument.objects.all()
    # Questions only read, but the house rule is that viewers call no unsafe method (403 on POST);
    # API keys with the read scope may ask (required_api_key_scope).
    permission_classes = [IsOrgEditor]
    pagination_class = None
    filter_backends: list = []


class QueryView(_NlpView):
    serializer_class = QueryOutputSerializer
    required_api_key_scope = "read"

    @extend_schema(
        summary="Ask a question about incidents in natural language",
        request=QueryInputSerializer,
        responses=QueryOutputSerializer,
        tags=NLP,
    )
    def post(self, request):
        data = QueryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = query.query_answer(
            organization=self.organization, user=request.user, question=data.validated_data["query"]
        )
        return Response(QueryOutputSerializer(answer).data)


class SemanticSearchView(_NlpView):
    serializer_class = SearchOutputSerializer
    required_api_key_scope = "read"

    @extend_schema(
        summary="Incidents and threats ranked by similarity to a query",
        request=SearchInputSerializer,
        responses=SearchOutputSerializer,
        tags=NLP,
    )
    def post(self, request):
        data = SearchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = search.semantic_search(organization=self.organization, **data.validated_data)
        return Response(SearchOutputSerializer({"query": data.validated_data["query"], **found}).data)


class ThreatAnalysisView(_NlpView):
    serializer_class = AnalysisOutputSerializer
    required_api_key_scope = "read"

    @extend_schema(
        summary="A narrative analysis of given incidents or a time window",
        request=AnalysisInputSerializer,
        responses=AnalysisOutputSerializer,
        tags=NLP,
    )
    def post(self, request):
        data = AnalysisInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = analysis.threat_analysis(
            organization=self.organization,
            user=request.user,
            incident_ids=data.validated_data["incident_ids"],
            hours=data.validated_data.get("hours"),
        )
        return Response(AnalysisOutputSerializer(result).data)


class StatusView(_NlpView):
    serializer_class = NlpStatusSerializer

    @extend_schema(
        summary="NLP status: parser in use, semantic index, queries answered",
        responses=NlpStatusSerializer,
        tags=NLP,
    )
    def get(self, request):
        return Response(
            NlpStatusSerializer(analysis.nlp_status(organization=self.organization, user=request.user)).data
        )


def _context(view, data) -> tuple[dict, Incident | None]:
    context = dict(data.get("variables") or {})
    incident = None
    if data.get("incident_id"):
        incident = Incident.objects.for_organization(view.organization).filter(pk=data["incident_id"]).first()
        if incident is None:
            raise ApplicationError(
                ErrorCode.NOT_FOUND, "No such incident.", {"incident_id": str(data["incident_id"])}
            )
        if incident.source_ip and "ip" not in context:
            context["ip"] = incident.source_ip
    if "ip" in context:
        context["ip"] = str(context["ip"])
    return context, incident


class PlanParseView(_NlpView):
    serializer_class = NlpPlanOutputSerializer
    required_api_key_scope = "read"

    @extend_schema(
        summary="Parse a response plan into registered actions (nothing is created)",
        request=NlpPlanInputSerializer,
        responses=NlpPlanOutputSerializer,
        tags=WORKFLOWS,
    )
    def post(self, request):
        data = NlpPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        context, _incident = _context(self, data.validated_data)
        return Response(
            NlpPlanOutputSerializer(
                workflows.plan_parse(plan=data.validated_data["plan"], context=context)
            ).data
        )


class PlanCreateView(_NlpView):
    serializer_class = NlpPlanCreateOutputSerializer
    permission_classes = [IsOrgEditor]

    @extend_schema(
        summary="Create a response workflow from a plan in plain words",
        request=NlpPlanCreateInputSerializer,
        responses={201: NlpPlanCreateOutputSerializer},
        tags=WORKFLOWS,
    )
    def post(self, request):
        data = NlpPlanCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        context, incident = _context(self, data.validated_data)
        workflow, parsed = workflows.plan_create(
            organization=self.organization,
            actor=request.user,
            plan=data.validated_data["plan"],
            name=data.validated_data["name"],
            context=context,
            incident=incident,
            allow_partial=data.validated_data["allow_partial"],
            dry_run=data.validated_data["dry_run"],
        )
        return Response(
            NlpPlanCreateOutputSerializer({"workflow": workflow, "parse": parsed}).data,
            status=status.HTTP_201_CREATED,
        )


class ExamplesView(_NlpView):
    serializer_class = ExampleSerializer

    @extend_schema(
        summary="Example plans and how they parse", responses=ExampleSerializer(many=True), tags=WORKFLOWS
    )
    def get(self, request):
        examples = [
            {"plan": plan, "parse": workflows.plan_parse(plan=plan, context={})}
            for plan in workflows.EXAMPLES
        ]
        return Response(ExampleSerializer(examples, many=True).data)


class CapabilitiesView(_NlpView):
    serializer_class = CapabilitiesSerializer

    @extend_schema(
        summary="The actions a plan can name, with their parameters",
        responses=CapabilitiesSerializer,
        tags=WORKFLOWS,
    )
    def get(self, request):
        return Response(
            CapabilitiesSerializer(
                {
                    "actions": workflows.capabilities(),
                    "clause_separators": [",", ";", "and", "then", "and then", "also"],
                    "durations": "for N seconds|minutes|hours|days|weeks (e.g. 'for 2 hours')",
                    "variables": ["ip (or incident_id: the incident's source IP)", "host", "user"],
                }
            ).data
        )
