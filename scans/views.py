"""Seed E's projects, scans and alerts. Thin: parse, call one service or selector, render."""

from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from config.api.errors import ApplicationError, ErrorCode
from organizations.viewsets import OrganizationScopedViewSet
from scans import selectors, services
from scans.filters import AlertFilter, ProjectFilter, ScanFilter
from scans.models import Alert, Project, Scan
from scans.pagination import SkipLimitPagination
from scans.serializers import (
    ProjectInputSerializer,
    ProjectOutputSerializer,
    ProjectUpdateSerializer,
    ScanAlertOutputSerializer,
    ScanAlertUpdateSerializer,
    ScanCodeInputSerializer,
    ScanListOutputSerializer,
    ScanOutputSerializer,
    ScanPiiInputSerializer,
    ScanPromptInputSerializer,
)

UUID_PATTERN = "[0-9a-fA-F-]{36}"
ORG_ID = OpenApiParameter(
    "org_id",
    OpenApiTypes.UUID,
    description="Seed E's organization filter; only the active organization matches.",
)


def _project_or_404(organization, project_id):
    if project_id is None:
        return None
    project = selectors.projects_of(organization=organization).filter(pk=project_id).first()
    if project is None:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, "No such project in this organization.", {"project_id": str(project_id)}
        )
    return project


@extend_schema_view(
    list=extend_schema(summary="Projects of the organization", tags=["projects"], parameters=[ORG_ID]),
    retrieve=extend_schema(summary="One project", tags=["projects"]),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Project.objects.all()
    serializer_class = ProjectOutputSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ProjectFilter
    pagination_class = SkipLimitPagination
    lookup_url_kwarg = "project_id"
    lookup_value_regex = UUID_PATTERN

    def scope_queryset(self, queryset):
        org_id = self.request.query_params.get("org_id")
        if self.action == "list" and org_id and org_id != str(self.organization.pk):
            return queryset.none()
        return queryset.order_by("-created_at")

    @extend_schema(
        summary="Create a project",
        request=ProjectInputSerializer,
        responses={201: ProjectOutputSerializer},
        tags=["projects"],
    )
    def create(self, request):
        data = ProjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(organization=self.organization, **data.validated_data)
        return Response(ProjectOutputSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Update a project (fields not sent are kept)",
        request=ProjectUpdateSerializer,
        responses=ProjectOutputSerializer,
        tags=["projects"],
    )
    def update(self, request, project_id=None):
        project = self.get_object()
        data = ProjectUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_update(project=project, **data.validated_data)
        return Response(ProjectOutputSerializer(project).data)

    @extend_schema(
        summary="Delete a project with its scans, findings and alerts",
        responses={204: None},
        tags=["projects"],
    )
    def destroy(self, request, project_id=None):
        services.project_delete(project=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Scans of the organization (filter by project_id)", tags=["scans"]),
    retrieve=extend_schema(summary="One scan with its results", tags=["scans"]),
)
class ScanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Scan.objects.all()
    serializer_class = ScanOutputSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ScanFilter
    pagination_class = SkipLimitPagination
    lookup_url_kwarg = "scan_id"
    lookup_value_regex = UUID_PATTERN
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def scope_queryset(self, queryset):
        return queryset.defer("payload_encrypted").order_by("-created_at")

    def get_serializer_class(self):
        return ScanListOutputSerializer if self.action == "list" else ScanOutputSerializer

    def _accepted(self, scan):
        scan = selectors.scans_of(organization=self.organization).get(pk=scan.pk)
        return Response(ScanOutputSerializer(scan).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Scan code: a snippet, an uploaded archive, or the project's repository (asynchronous)",
        request={"application/json": ScanCodeInputSerializer, "multipart/form-data": ScanCodeInputSerializer},
        responses={202: ScanOutputSerializer},
        tags=["scans"],
    )
    def code(self, request):
        data = ScanCodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        project = _project_or_404(self.organization, values.get("project_id"))
        if values.get("use_repository") and not project.repo_url:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "The project has no repository URL.",
                {"project_id": ["No repo_url."]},
            )
        archive = values.get("archive")
        scan = services.scan_start_code(
            organization=self.organization,
            project=project,
            code=values.get("code"),
            filename=values.get("filename", ""),
            language=values.get("language", ""),
            archive=archive.read() if archive is not None else None,
            archive_name=archive.name if archive is not None else "",
        )
        return self._accepted(scan)

    @extend_schema(
        summary="Scan an LLM prompt for jailbreak, injection, exfiltration and prompt-leak risks (asynchronous)",
        request=ScanPromptInputSerializer,
        responses={202: ScanOutputSerializer},
        tags=["scans"],
    )
    def prompt(self, request):
        data = ScanPromptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        scan = services.scan_start_prompt(
            organization=self.organization,
            project=_project_or_404(self.organization, values.get("project_id")),
            prompt=values["prompt"],
            model=values.get("model", ""),
            allow_list=values.get("allow_list"),
        )
        return self._accepted(scan)

    @extend_schema(
        summary="Scan content for personal data (asynchronous)",
        request=ScanPiiInputSerializer,
        responses={202: ScanOutputSerializer},
        tags=["scans"],
    )
    def pii(self, request):
        data = ScanPiiInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        scan = services.scan_start_pii(
            organization=self.organization,
            project=_project_or_404(self.organization, values.get("project_id")),
            content=values["content"],
            content_type=values.get("content_type", ""),
            redact=values.get("redact", False),
        )
        return self._accepted(scan)


@extend_schema_view(
    list=extend_schema(summary="Alerts of the organization (filter by project_id)", tags=["alerts"]),
    retrieve=extend_schema(summary="One alert", tags=["alerts"]),
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    queryset = Alert.objects.all()
    serializer_class = ScanAlertOutputSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = AlertFilter
    pagination_class = SkipLimitPagination
    lookup_url_kwarg = "alert_id"
    lookup_value_regex = UUID_PATTERN

    def scope_queryset(self, queryset):
        return queryset.order_by("-triggered_at")

    @extend_schema(
        summary="Mark an alert read or resolved",
        request=ScanAlertUpdateSerializer,
        responses=ScanAlertOutputSerializer,
        tags=["alerts"],
    )
    def partial_update(self, request, alert_id=None):
        alert = self.get_object()
        data = ScanAlertUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_update(alert=alert, **data.validated_data)
        return Response(ScanAlertOutputSerializer(alert).data)
