"""Report exports: POST reports/export (202 + job), GET reports, GET reports/{id}, signed download."""

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from metrics.productivity.models import ReportExport
from metrics.productivity.serializers.reports import (
    ReportExportInputSerializer,
    ReportFiltersSerializer,
    ReportOutputSerializer,
)
from metrics.productivity.services import reports as services
from organizations.models import Role
from organizations.permissions import IsOrgMember
from organizations.viewsets import OrganizationScopedViewSet

TAGS = ["reports"]


FIELDS = (
    "id",
    "format",
    "report_type",
    "filters",
    "status",
    "progress",
    "row_count",
    "file_size",
    "error",
    "created_at",
    "finished_at",
)


def _report_body(report: ReportExport, request) -> dict:
    url, expires = services.report_download_link(report=report, request=request)
    status_path = reverse("productivity-reports-detail", kwargs={"pk": report.pk})
    body = {name: getattr(report, name) for name in FIELDS}
    body.update(
        status_url=request.build_absolute_uri(status_path), download_url=url, download_expires_at=expires
    )
    return ReportOutputSerializer(body).data


@extend_schema_view(
    list=extend_schema(summary="Your report exports (managers and admins see everyone's)", tags=TAGS),
)
class ReportViewSet(mixins.ListModelMixin, OrganizationScopedViewSet):
    queryset = ReportExport.objects.all()
    serializer_class = ReportOutputSerializer
    permission_classes = [IsOrgMember]
    ordering = ["-created_at"]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    @property
    def rate_group(self) -> str:
        return "export" if self.action == "export" else "standard"

    def scope_queryset(self, queryset):
        membership = getattr(self.request, "membership", None)
        if membership is not None and membership.has_role(Role.MANAGER):
            return queryset
        return queryset.filter(requested_by_id=getattr(self.request.user, "pk", None))

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([_report_body(report, request) for report in page])

    @extend_schema(
        summary="Progress of an export and, when done, a download URL",
        responses=ReportOutputSerializer,
        tags=TAGS,
    )
    def retrieve(self, request, pk=None):
        return Response(_report_body(self.get_object(), request))

    @extend_schema(
        summary="Export a report (pdf, csv or xlsx of productivity, agents or teams): 202 with the job",
        request=ReportExportInputSerializer,
        responses={202: ReportOutputSerializer},
        tags=TAGS,
    )
    @action(detail=False, methods=["post"])
    def export(self, request):
        data = ReportExportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        filters = ReportFiltersSerializer(data=request.data.get("filters") or {})
        filters.is_valid(raise_exception=True)
        report = services.report_request(
            organization=self.organization,
            user=request.user,
            format=data.validated_data["format"],
            report_type=data.validated_data["report_type"],
            filters=dict(filters.validated_data),
        )
        report.refresh_from_db()
        return Response(_report_body(report, request), status=status.HTTP_202_ACCEPTED)


def report_download(request, report_id):
    """The file of a finished report, for whoever holds an unexpired signed link (no other credential)."""
    report = services.report_for_download(report_id=report_id, token=request.GET.get("token", ""))
    if report is None:
        raise Http404("No such report, or the link expired.")
    handle, content_type = services.report_file(report)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{report.report_type}-report.{report.format}",
        content_type=content_type,
    )
