"""Scanner pages (seed E): projects (access token write-only), code / prompt / PII scans with their
progress until done, findings with severity, file and line and redacted secrets, and the alerts inbox.

Reads go through scans.selectors, writes through scans.services, and a scan is shown through the
API's own ScanOutputSerializer, so the page shows exactly what GET /api/v1/scans/{id} answers
(redacted values only: the clear value is never stored, so it cannot be shown).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from config.api.errors import ApplicationError
from organizations.models import Role
from scans import selectors, services
from scans.filters import AlertFilter, ScanFilter
from scans.models import ScanStatus, ScanType, Severity
from scans.serializers import ScanOutputSerializer
from web.access import member_required
from web.forms import CodeScanForm, PiiScanForm, ProjectForm, PromptScanForm, apply_error

PAGE_SIZE = 25
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
FINISHED = (ScanStatus.COMPLETED, ScanStatus.FAILED)
SCAN_FORMS: dict[str, type] = {
    ScanType.CODE: CodeScanForm,
    ScanType.PROMPT: PromptScanForm,
    ScanType.PII: PiiScanForm,
}
PROMPT_SCORES = [
    ("jailbreak_risk", "Jailbreak"),
    ("injection_risk", "Injection"),
    ("data_exfiltration_risk", "Data exfiltration"),
    ("system_prompt_exposure", "System prompt exposure"),
]


def _org(request: HttpRequest):
    return request.organization  # type: ignore[attr-defined]


def _can_edit(request: HttpRequest) -> bool:
    return request.membership.has_role(Role.EDITOR)  # type: ignore[attr-defined]


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _project_or_404(request: HttpRequest, project_id):
    project = selectors.projects_of(organization=_org(request)).filter(pk=project_id).first()
    if project is None:
        raise Http404("No such project in this organization.")
    return project


def _scan_or_404(request: HttpRequest, scan_id):
    scan = selectors.scans_of(organization=_org(request)).select_related("project").filter(pk=scan_id).first()
    if scan is None:
        raise Http404("No such scan in this organization.")
    return scan


# --- Projects ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required()
def projects(request: HttpRequest) -> HttpResponse:
    form, status = ProjectForm(), 200
    if request.method == "POST":
        if not _can_edit(request):
            messages.error(request, "Creating projects needs the editor role or higher.")
            return redirect("web:scanner-projects")
        form = ProjectForm(request.POST)
        if form.is_valid():
            try:
                project = services.project_create(organization=_org(request), **form.validated)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, f"Project “{project.name}” created.")
                return redirect("web:scanner-project", project_id=project.pk)
        status = 400
    page = Paginator(
        selectors.projects_of(organization=_org(request)).order_by("-created_at"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "can_edit": _can_edit(request)}
    return render(request, "web/scanner/projects.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required()
def project_detail(request: HttpRequest, project_id) -> HttpResponse:
    project = _project_or_404(request, project_id)
    initial = {
        "name": project.name,
        "description": project.description,
        "repo_type": project.repo_type,
        "repo_url": project.repo_url,
        "is_public": project.is_public,
    }
    form, status = ProjectForm(initial=initial), 200
    if request.method == "POST":
        if not _can_edit(request):
            messages.error(request, "Changing projects needs the editor role or higher.")
            return redirect("web:scanner-project", project_id=project.pk)
        form = ProjectForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                services.project_update(project=project, **form.validated)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, "Project saved.")
                return redirect("web:scanner-project", project_id=project.pk)
        status = 400
        project.refresh_from_db()
    scans = (
        selectors.scans_of(organization=_org(request)).filter(project=project).order_by("-created_at")[:20]
    )
    alerts = (
        selectors.alerts_of(organization=_org(request))
        .filter(project=project, is_resolved=False)
        .order_by("-triggered_at")[:10]
    )
    context = {
        "project": project,
        "form": form,
        "scans": scans,
        "alerts": alerts,
        "can_edit": _can_edit(request),
    }
    return render(request, "web/scanner/project.html", context, status=status)


# --- Scans ------------------------------------------------------------------------------------


@member_required()
def scans(request: HttpRequest) -> HttpResponse:
    queryset = (
        selectors.scans_of(organization=_org(request)).select_related("project").order_by("-created_at")
    )
    filtered = ScanFilter(data=request.GET or None, queryset=queryset)
    page = Paginator(filtered.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filtered.form,
        "types": ScanType.choices,
        "statuses": ScanStatus.choices,
        "query": _query_without_page(request),
        "can_edit": _can_edit(request),
    }
    return render(request, "web/scanner/scans.html", context, status=400 if filtered.errors else 200)


def _scan_forms(request: HttpRequest, bound: dict | None = None) -> dict:
    projects_ = list(selectors.projects_of(organization=_org(request)).order_by("name"))
    initial = {"project_id": request.GET.get("project", "")}
    forms_ = {
        kind: form_class(initial=initial, projects=projects_, prefix=kind)
        for kind, form_class in SCAN_FORMS.items()
    }
    forms_.update(bound or {})
    return forms_


@member_required(Role.EDITOR)
def scan_new(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", ScanType.CODE)
    forms_ = _scan_forms(request)
    return render(
        request,
        "web/scanner/scan_new.html",
        {"forms": forms_, "active": kind if kind in SCAN_FORMS else ScanType.CODE},
    )


def _start(kind: str, request: HttpRequest, form) -> object:
    values = dict(form.validated)
    project_id = values.pop("project_id", None)
    project = _project_or_404(request, project_id) if project_id else None
    organization = _org(request)
    if kind == ScanType.CODE:
        archive = values.get("archive")
        return services.scan_start_code(
            organization=organization,
            project=project,
            code=values.get("code"),
            filename=values.get("filename", ""),
            language=values.get("language", ""),
            archive=archive.read() if archive is not None else None,
            archive_name=archive.name if archive is not None else "",
        )
    if kind == ScanType.PROMPT:
        return services.scan_start_prompt(
            organization=organization,
            project=project,
            prompt=values["prompt"],
            model=values.get("model", ""),
            allow_list=values.get("allow_list"),
        )
    return services.scan_start_pii(
        organization=organization,
        project=project,
        content=values["content"],
        content_type=values.get("content_type", ""),
        redact=values.get("redact", False),
    )


@require_POST
@member_required(Role.EDITOR)
def scan_submit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SCAN_FORMS:
        raise Http404("No such scan type.")
    projects_ = list(selectors.projects_of(organization=_org(request)).order_by("name"))
    form = SCAN_FORMS[kind](request.POST, request.FILES, projects=projects_, prefix=kind)
    if form.is_valid():
        try:
            scan = _start(kind, request, form)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            return redirect("web:scanner-scan", scan_id=scan.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "web/scanner/scan_new.html",
        {"forms": _scan_forms(request, {kind: form}), "active": kind},
        status=400,
    )


def _scan_context(scan) -> dict:
    data = ScanOutputSerializer(scan).data
    findings = sorted(
        data["results"],
        key=lambda f: (SEVERITY_RANK.get(f["severity"], 9), f["file_path"], f["line_number"] or 0),
    )
    return {
        "scan": scan,
        "data": data,
        "finished": scan.status in FINISHED,
        "findings": findings,
        "pii_findings": data["findings"],
        "prompt_scores": [
            {"name": name, "label": label, "value": data.get(name)}
            for name, label in PROMPT_SCORES
            if data.get(name) is not None
        ],
        "summary": [
            (severity, (data["findings_summary"] or {}).get(severity, 0))
            for severity in ("critical", "high", "medium", "low")
        ],
    }


@member_required()
def scan_detail(request: HttpRequest, scan_id) -> HttpResponse:
    scan = _scan_or_404(request, scan_id)
    alerts = selectors.alerts_of(organization=_org(request)).filter(scan=scan).order_by("-triggered_at")
    return render(request, "web/scanner/scan.html", {**_scan_context(scan), "alerts": alerts})


@member_required()
def scan_progress(request: HttpRequest, scan_id) -> HttpResponse:
    """The scan's state and results alone: polled by the scan page (htmx) until it has finished.

    Once finished, the answer asks htmx to reload the whole page (alerts included)."""
    scan = _scan_or_404(request, scan_id)
    context = _scan_context(scan)
    response = render(request, "web/scanner/_scan_body.html", context)
    if context["finished"] and request.GET.get("from") == "running":
        response["HX-Refresh"] = "true"
    return response


# --- Alerts -----------------------------------------------------------------------------------

ALERT_ACTIONS = {
    "read": {"is_read": True},
    "unread": {"is_read": False},
    "resolve": {"is_resolved": True},
    "reopen": {"is_resolved": False},
}


@member_required()
def alerts(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("is_resolved", "false")
    for name in [name for name, values in data.lists() if not any(values)]:
        del data[name]  # "Any" in a filter is no filter
    queryset = (
        selectors.alerts_of(organization=_org(request))
        .select_related("project", "scan")
        .order_by("-triggered_at")
    )
    filtered = AlertFilter(data=data, queryset=queryset)
    page = Paginator(filtered.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.alerts_of(organization=_org(request)).filter(is_read=False, is_resolved=False).count()
    context = {
        "page": page,
        "severities": Severity.choices,
        "selected_severities": data.getlist("severity"),
        "is_resolved": data.get("is_resolved", ""),
        "is_read": data.get("is_read", ""),
        "unread": unread,
        "query": _query_without_page(request),
        "can_edit": _can_edit(request),
    }
    return render(request, "web/scanner/alerts.html", context, status=400 if filtered.errors else 200)


@require_POST
@member_required(Role.EDITOR)
def alert_action(request: HttpRequest, alert_id, action: str) -> HttpResponse:
    if action not in ALERT_ACTIONS:
        raise Http404("No such action.")
    alert = selectors.alerts_of(organization=_org(request)).filter(pk=alert_id).first()
    if alert is None:
        raise Http404("No such alert in this organization.")
    alert = services.alert_update(alert=alert, **ALERT_ACTIONS[action])
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/scanner/_alert_row.html", {"alert": alert, "can_edit": True})
    messages.success(request, f"Alert “{alert.title}” updated.")
    next_url = request.POST.get("next", "")
    if next_url.startswith("/scanner/"):
        return redirect(next_url)
    return redirect("web:scanner-alerts")
