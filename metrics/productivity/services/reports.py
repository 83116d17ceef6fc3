"""Report exports: a job row, a Celery task that writes the file to storage, a signed download URL."""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.tasks import enqueue
from metrics.productivity.models import ReportExport, ReportFormat, ReportStatus
from metrics.productivity.reports.renderers import render_csv, render_pdf, render_xlsx
from metrics.productivity.reports.sources import SOURCES

logger = logging.getLogger(__name__)
SIGNING_SALT = "productivity.report-download"
CONTENT_TYPES: dict[str, str] = {
    ReportFormat.CSV: "text/csv",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
}


def _stored_filters(filters: dict) -> dict:
    """JSON-safe (dates as ISO 8601, UUIDs as strings), to be read back by _loaded_filters."""
    return json.loads(json.dumps(filters, cls=DjangoJSONEncoder))


def _loaded_filters(stored: dict) -> dict:
    loaded = dict(stored)
    for key in ("start_date", "end_date"):
        if loaded.get(key):
            loaded[key] = datetime.fromisoformat(loaded[key])
    return loaded


@transaction.atomic
def report_request(*, organization, user, format: str, report_type: str, filters: dict) -> ReportExport:
    report = ReportExport.objects.create(
        organization=organization,
        requested_by=user if getattr(user, "_meta", None) else None,
        format=format,
        report_type=report_type,
        filters=_stored_filters(filters),
    )
    from metrics.productivity.tasks import export_report

    enqueue(export_report, report_id=str(report.pk), organization_id=str(organization.pk))
    return report


def _save_progress(report: ReportExport, done: int) -> None:
    total = max(report.row_count, 1)
    percent = min(99, 5 + int(90 * done / total))
    if percent > report.progress:
        report.progress = percent
        ReportExport.objects.for_organization(report.organization_id).filter(pk=report.pk).update(
            progress=percent, updated_at=timezone.now()
        )


def report_build(*, report_id, organization_id) -> dict:
    """Write the report's file. Safe to run twice: a finished or failed report is left alone."""
    with transaction.atomic():
        report = (
            ReportExport.objects.for_organization(organization_id)
            .select_for_update()
            .select_related("organization")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status in (ReportStatus.DONE, ReportStatus.FAILED):
            return {"built": False}
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.progress = 5
        report.save(update_fields=["status", "started_at", "progress", "updated_at"])
    try:
        filters = _loaded_filters(report.filters)
        source = SOURCES[report.report_type](report.organization, filters)
        report.row_count = source.total
        with tempfile.TemporaryFile() as out:
            if report.format == ReportFormat.CSV:
                written = render_csv(source, out, lambda n: _save_progress(report, n))
            elif report.format == ReportFormat.XLSX:
                written = render_xlsx(source, out, lambda n: _save_progress(report, n))
            else:
                period = f"{_day(filters.get('start_date'))} to {_day(filters.get('end_date'))}"
                written = render_pdf(
                    source,
                    out,
                    lambda n: _save_progress(report, n),
                    organization_name=report.organization.name,
                    period=period,
                )
            out.seek(0)
            name = f"{settings.PRODUCTIVITY_REPORT_DIR}/{report.organization_id}/{report.pk}.{report.format}"
            if default_storage.exists(name):
                default_storage.delete(name)
            stored = default_storage.save(name, File(out))
            size = default_storage.size(stored)
    except Exception as exc:
        logger.exception("report %s failed", report.pk)
        ReportExport.objects.for_organization(organization_id).filter(pk=report.pk).update(
            status=ReportStatus.FAILED,
            error=str(exc)[:500],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        return {"built": False, "error": str(exc)[:200]}
    ReportExport.objects.for_organization(organization_id).filter(pk=report.pk).update(
        status=ReportStatus.DONE,
        progress=100,
        row_count=source.total if report.format != ReportFormat.CSV else written,
        file_name=stored,
        file_size=size,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return {"built": True, "rows": written}


def _day(moment) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "the beginning"


def report_download_link(*, report: ReportExport, request=None) -> tuple[str | None, datetime | None]:
    """A signed URL that works for PRODUCTIVITY_REPORT_URL_TTL_SECONDS, and when it expires."""
    if report.status != ReportStatus.DONE or not report.file_name:
        return None, None
    token = signing.TimestampSigner(salt=SIGNING_SALT).sign(str(report.pk))
    path = reverse("productivity-report-download", kwargs={"report_id": report.pk}) + f"?token={token}"
    expires = timezone.now() + timedelta(seconds=settings.PRODUCTIVITY_REPORT_URL_TTL_SECONDS)
    return (request.build_absolute_uri(path) if request is not None else path), expires


def report_for_download(*, report_id, token: str) -> ReportExport | None:
    """The finished report a valid, unexpired token names; None otherwise."""
    try:
        signed_id = signing.TimestampSigner(salt=SIGNING_SALT).unsign(
            token, max_age=settings.PRODUCTIVITY_REPORT_URL_TTL_SECONDS
        )
    except signing.BadSignature:  # also SignatureExpired
        return None
    if signed_id != str(report_id):
        return None
    # The signature names the report: an audited cross-tenant lookup by primary key.
    return (
        ReportExport.objects.unscoped()
        .filter(pk=report_id, status=ReportStatus.DONE)
        .exclude(file_name="")
        .first()
    )


def report_file(report: ReportExport):
    return default_storage.open(report.file_name, "rb"), CONTENT_TYPES[report.format]
