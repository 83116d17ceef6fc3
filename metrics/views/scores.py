from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import ApplicationError, ErrorCode
from metrics.selectors.catalogs import catalog_param
from metrics.selectors.frameworks import framework_param, function_find
from metrics.selectors.scores import category_scores, function_scores, scores_overview, window_days_param
from metrics.serializers.scores import (
    CategoryScoresOutputSerializer,
    FunctionScoreDetailOutputSerializer,
    ScoreOverviewOutputSerializer,
)
from organizations.permissions import IsOrgMember

TAGS = ["scores"]
COMMON = [
    OpenApiParameter("framework", OpenApiTypes.STR, description="csf-2.0 (default) or ai-rmf-1.0."),
    OpenApiParameter("catalog", OpenApiTypes.UUID, description="Catalog id (default: the active catalog)."),
    OpenApiParameter(
        "window_days",
        OpenApiTypes.INT,
        description="Trend window in days (default METRICS_TREND_WINDOW_DAYS).",
    ),
]


class ScoresOverviewView(APIView):
    permission_classes = [IsOrgMember]

    @extend_schema(
        summary="Overall and per-function scores of the active catalog",
        parameters=COMMON,
        responses=ScoreOverviewOutputSerializer,
        tags=TAGS,
    )
    def get(self, request):
        params = request.query_params
        return Response(
            scores_overview(
                catalog=catalog_param(organization=request.organization, reference=params.get("catalog")),
                framework=framework_param(params.get("framework")),
                window_days=window_days_param(params.get("window_days")),
            )
        )


class FunctionScoresView(APIView):
    permission_classes = [IsOrgMember]

    @extend_schema(
        summary="One function: its categories, and the metrics below target with their gap",
        parameters=COMMON,
        responses=FunctionScoreDetailOutputSerializer,
        tags=TAGS,
    )
    def get(self, request, function_code: str):
        params = request.query_params
        framework = framework_param(params.get("framework"), default=None)
        function = function_find(function_code, framework=framework)
        if function is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, f"No framework function {function_code!r}.")
        return Response(
            function_scores(
                catalog=catalog_param(organization=request.organization, reference=params.get("catalog")),
                function=function,
                window_days=window_days_param(params.get("window_days")),
            )
        )


class CategoryScoresView(APIView):
    permission_classes = [IsOrgMember]

    @extend_schema(
        summary="Category scores (of one function, or of a framework)",
        parameters=[
            *COMMON,
            OpenApiParameter("function", OpenApiTypes.STR, description="Function code or name."),
        ],
        responses=CategoryScoresOutputSerializer,
        tags=TAGS,
    )
    def get(self, request):
        params = request.query_params
        framework = framework_param(params.get("framework"))
        function = None
        if reference := params.get("function"):
            function = function_find(
                reference, framework=framework_param(params.get("framework"), default=None)
            )
            if function is None:
                raise ApplicationError(
                    ErrorCode.VALIDATION_ERROR,
                    f"Unknown function {reference!r}.",
                    {"fields": {"function": [reference]}},
                )
        return Response(
            category_scores(
                catalog=catalog_param(organization=request.organization, reference=params.get("catalog")),
                framework=framework,
                function=function,
                window_days=window_days_param(params.get("window_days")),
            )
        )
