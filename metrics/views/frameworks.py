"""Reference data: NIST CSF 2.0 and AI RMF 1.0. Bounded and the same for every organization,
so these lists are returned whole (no pagination), in the seed's keyed shape."""

from django.db.models import Count, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import ApplicationError, ErrorCode
from metrics.models import Framework, FrameworkCategory, FrameworkSubcategory
from metrics.selectors import frameworks as selectors
from metrics.serializers.frameworks import (
    CategoryDetailListOutputSerializer,
    CategoryListOutputSerializer,
    CategoryOutputSerializer,
    CategoryWithSubcategoriesOutputSerializer,
    CsfValidateInputSerializer,
    CsfValidateOutputSerializer,
    FrameworkDetailOutputSerializer,
    FrameworkListOutputSerializer,
    FrameworkOutputSerializer,
    FunctionListOutputSerializer,
    FunctionOutputSerializer,
    SubcategoryListOutputSerializer,
    SubcategoryOutputSerializer,
)

CSF_TAG = ["csf"]
FRAMEWORKS_TAG = ["frameworks"]


def _csf() -> Framework:
    return Framework.objects.get(pk=selectors.CSF)


class CsfFunctionsView(APIView):
    @extend_schema(summary="CSF 2.0 functions", responses=FunctionListOutputSerializer, tags=CSF_TAG)
    def get(self, request):
        functions = selectors.functions_of(_csf())
        return Response(
            {"framework": selectors.CSF, "functions": FunctionOutputSerializer(functions, many=True).data}
        )


class CsfCategoriesView(APIView):
    @extend_schema(
        summary="CSF 2.0 categories",
        parameters=[
            OpenApiParameter(
                "function", OpenApiTypes.STR, description="Function code (PR) or name (PROTECT)."
            )
        ],
        responses=CategoryListOutputSerializer,
        tags=CSF_TAG,
    )
    def get(self, request):
        csf = _csf()
        function = None
        if reference := request.query_params.get("function"):
            function = selectors.function_find(reference, framework=csf)
            if function is None:
                raise ApplicationError(
                    ErrorCode.VALIDATION_ERROR,
                    f"{reference!r} is not a CSF 2.0 function.",
                    {"fields": {"function": ["Use GV, ID, PR, DE, RS or RC."]}},
                )
        categories = selectors.categories_of(framework=csf, function=function)
        return Response({"categories": CategoryOutputSerializer(categories, many=True).data})


class CsfSubcategoriesView(APIView):
    @extend_schema(
        summary="CSF 2.0 subcategories",
        parameters=[OpenApiParameter("category", OpenApiTypes.STR, description="Category code, e.g. PR.AA.")],
        responses=SubcategoryListOutputSerializer,
        tags=CSF_TAG,
    )
    def get(self, request):
        csf = _csf()
        category = None
        if code := request.query_params.get("category"):
            category = selectors.category_find(code, framework=csf)
            if category is None:
                raise ApplicationError(
                    ErrorCode.VALIDATION_ERROR,
                    f"{code!r} is not a CSF 2.0 category.",
                    {"fields": {"category": ["e.g. PR.AA"]}},
                )
        subcategories = selectors.subcategories_of(framework=csf, category=category)
        return Response({"subcategories": SubcategoryOutputSerializer(subcategories, many=True).data})


class CsfValidateView(APIView):
    @extend_schema(
        summary="Check a CSF 2.0 mapping (function by code or name, category, subcategory)",
        request=CsfValidateInputSerializer,
        responses=CsfValidateOutputSerializer,
        tags=CSF_TAG,
    )
    def post(self, request):
        data = CsfValidateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(selectors.csf_validate(**data.validated_data))


class FrameworkListView(APIView):
    @extend_schema(
        operation_id="frameworks_list",
        summary="Frameworks with their function, category and subcategory counts",
        responses=FrameworkListOutputSerializer,
        tags=FRAMEWORKS_TAG,
    )
    def get(self, request):
        return Response({"frameworks": FrameworkOutputSerializer(selectors.frameworks(), many=True).data})


class FrameworkDetailView(APIView):
    @extend_schema(
        summary="One framework with its functions and categories",
        responses=FrameworkDetailOutputSerializer,
        tags=FRAMEWORKS_TAG,
    )
    def get(self, request, framework_id: str):
        framework = selectors.framework_get(framework_id)
        categories = (
            FrameworkCategory.objects.select_related("function")
            .annotate(subcategory_count=Count("subcategories"))
            .order_by("order")
        )
        framework.functions_with_categories = selectors.functions_of(framework).prefetch_related(  # type: ignore[attr-defined]
            Prefetch("categories", queryset=categories)
        )
        return Response(FrameworkDetailOutputSerializer(framework).data)


class FrameworkFunctionsView(APIView):
    @extend_schema(
        summary="Functions of a framework", responses=FunctionListOutputSerializer, tags=FRAMEWORKS_TAG
    )
    def get(self, request, framework_id: str):
        framework = selectors.framework_get(framework_id)
        return Response(
            {
                "framework": framework.pk,
                "functions": FunctionOutputSerializer(selectors.functions_of(framework), many=True).data,
            }
        )


class FrameworkCategoriesView(APIView):
    @extend_schema(
        summary="Categories (with subcategories) of one function of a framework",
        responses=CategoryDetailListOutputSerializer,
        tags=FRAMEWORKS_TAG,
    )
    def get(self, request, framework_id: str, function_code: str):
        framework = selectors.framework_get(framework_id)
        function = selectors.function_find(function_code, framework=framework)
        if function is None:
            raise ApplicationError(
                ErrorCode.NOT_FOUND, f"{framework.short_name} has no function {function_code!r}."
            )
        categories = selectors.categories_of(function=function).prefetch_related(
            Prefetch(
                "subcategories",
                queryset=FrameworkSubcategory.objects.select_related("category").order_by("order"),
            )
        )
        return Response(
            {
                "framework": framework.pk,
                "function": function.code,
                "categories": CategoryWithSubcategoriesOutputSerializer(categories, many=True).data,
            }
        )
