"""Security posture (seed A): scores per CSF 2.0 / AI RMF function, categories, metrics with inline
updates, metric history, CSV import with a preview and CSV export, and the AI assistant panel.

Reads go through metrics.selectors (the API's scores and catalog selectors, and its MetricFilter);
writes through metrics.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from config.api.errors import ApplicationError
from metrics.filters import MetricFilter
from metrics.selectors.catalogs import active_catalog, metric_facts, metric_history, metrics_of
from metrics.selectors.frameworks import AI_RMF, CSF, framework_param, functions_of
from metrics.selectors.scores import category_scores, scores_overview, window_days_param
from metrics.services import exports
from metrics.services.assistant import assistant_chat
from metrics.services.imports import catalog_import
from metrics.services.metrics import metric_update
from organizations.models import Role
from web.access import member_required
from web.forms import AssistantForm, CatalogImportForm, MetricFilterForm, MetricValueForm

PAGE_SIZE = 25
IMPORT_SESSION = "palisade_import"


def _overviews(catalog) -> list[dict]:
    window = window_days_param(None)
    return [
        {
            **scores_overview(catalog=catalog, framework=framework, window_days=window),
            "chart_id": f"functions-{framework.pk}",
        }
        for framework in (framework_param(CSF), framework_param(AI_RMF))
        if framework is not None
    ]


def _function_choices() -> list[tuple[str, str]]:
    choices = []
    for reference in (CSF, AI_RMF):
        framework = framework_param(reference)
        if framework is not None:
            choices += [(f.code, f"{f.code} · {f.display_name}") for f in functions_of(framework)]
    return choices


def _filtered_metrics(request: HttpRequest, catalog, form: MetricFilterForm):
    metrics = metrics_of(organization=request.organization).filter(catalog=catalog)  # type: ignore[attr-defined]
    data = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v and k != "search"}
    metrics = MetricFilter(data=data, queryset=metrics).qs
    if form.is_valid() and (term := form.cleaned_data.get("search")):
        metrics = metrics.filter(
            Q(name__icontains=term) | Q(description__icontains=term) | Q(metric_number__icontains=term)
        )
    return metrics.order_by("metric_number")


def _row(metric) -> dict:
    return {"metric": metric, **metric_facts(metric)}


@member_required()
def posture(request: HttpRequest) -> HttpResponse:
    catalog = active_catalog(organization=request.organization)  # type: ignore[attr-defined]
    if catalog is None:
        return render(request, "web/posture/empty.html")
    form = MetricFilterForm(request.GET or None, functions=_function_choices())
    page = Paginator(_filtered_metrics(request, catalog, form), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [_row(m) for m in page.object_list],
        "can_edit": request.membership.has_role(Role.EDITOR),  # type: ignore[attr-defined]
        "query": _query_without_page(request),
    }
    if request.htmx:  # type: ignore[attr-defined]  # the filters ask for the table alone
        return render(request, "web/posture/_metrics_table.html", context)
    context |= {
        "catalog": catalog,
        "overviews": _overviews(catalog),
        "categories": category_scores(
            catalog=catalog,
            framework=framework_param(CSF),
            function=None,
            window_days=window_days_param(None),
        )["categories"],
        "filter_form": form,
        "assistant_form": AssistantForm(),
    }
    return render(request, "web/posture/posture.html", context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _metric_or_404(request: HttpRequest, metric_id):
    metric = metrics_of(organization=request.organization).filter(pk=metric_id).first()  # type: ignore[attr-defined]
    if metric is None:
        raise Http404("No such metric in this organization.")
    return metric


@member_required()
def metric_detail(request: HttpRequest, metric_id) -> HttpResponse:
    metric = _metric_or_404(request, metric_id)
    history = metric_history(metric=metric)
    chart = {
        "labels": [point.recorded_at.isoformat() for point in reversed(history)],
        "values": [point.value for point in reversed(history)],
        "target": metric.target_value,
        "unit": metric.unit,
    }
    return render(
        request,
        "web/posture/metric.html",
        {"metric": metric, **metric_facts(metric), "history": history, "chart": chart},
    )


@require_POST
@member_required(Role.EDITOR)
def metric_value_update(request: HttpRequest, metric_id) -> HttpResponse:
    """Inline update of a metric's current value: answers the row and, out of band, the scores."""
    metric = _metric_or_404(request, metric_id)
    form = MetricValueForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            metric = metric_update(
                metric=metric,
                user=request.user,
                is_admin=request.membership.has_role(Role.ADMIN),  # type: ignore[attr-defined]
                changes={"current_value": form.cleaned_data["current_value"]},
            )
        except ApplicationError as exc:
            error = exc.message
    else:
        error = "; ".join(str(m) for messages_ in form.errors.values() for m in messages_)
    metric = _metric_or_404(request, metric_id)
    context = {"row": _row(metric), "can_edit": True, "error": error}
    # htmx swaps a 200 only: a refused value still shows the row with its error (422 is swapped too,
    # see app.js), and a saved one tells the score cards to reload themselves.
    response = render(request, "web/posture/_metric_row.html", context, status=422 if error else 200)
    if not error:
        response["HX-Trigger"] = "scores-changed"
    return response


@member_required()
def posture_scores(request: HttpRequest) -> HttpResponse:
    catalog = active_catalog(organization=request.organization)  # type: ignore[attr-defined]
    if catalog is None:
        raise Http404("This organization has no active catalog.")
    return render(request, "web/posture/_scores.html", {"overviews": _overviews(catalog)})


@member_required()
def metrics_export(request: HttpRequest) -> HttpResponseBase:
    catalog = active_catalog(organization=request.organization)  # type: ignore[attr-defined]
    if catalog is None:
        raise Http404("This organization has no active catalog.")
    form = MetricFilterForm(request.GET or None, functions=_function_choices())
    metrics = _filtered_metrics(request, catalog, form)
    response = StreamingHttpResponse(
        exports.export_lines(metrics.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="metrics-{timezone.now():%Y%m%d-%H%M%S}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@member_required(Role.EDITOR)
def catalog_import_page(request: HttpRequest) -> HttpResponse:
    """Upload -> dry run (mapping, valid rows, skipped rows, per-row errors) -> confirm -> import."""
    catalog = active_catalog(organization=request.organization)  # type: ignore[attr-defined]
    if catalog is None:
        return render(request, "web/posture/empty.html")
    form = CatalogImportForm(request.POST or None, request.FILES or None)
    preview, errors, status = None, [], 200
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(IMPORT_SESSION)
        if not stored:
            messages.error(request, "Upload the file again: its preview has expired.")
            return redirect("web:catalog-import")
        upload = SimpleUploadedFile(stored["name"], stored["content"].encode(), content_type="text/csv")
        try:
            result = catalog_import(catalog=catalog, user=request.user, upload=upload)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            errors, status = (exc.details or {}).get("errors", []), 400
        else:
            request.session.pop(IMPORT_SESSION, None)
            messages.success(
                request, f"Imported {result['imported']} metric(s); {result['skipped']} row(s) skipped."
            )
            return redirect("web:posture")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = catalog_import(catalog=catalog, user=request.user, upload=upload, dry_run=True)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            errors, status = (exc.details or {}).get("errors", []), 400
        else:
            upload.seek(0)
            request.session[IMPORT_SESSION] = {
                "name": upload.name,
                "content": upload.read().decode("utf-8-sig"),
            }
    elif request.method == "POST":
        status = 400
    context = {"form": form, "preview": preview, "errors": errors, "catalog": catalog}
    return render(request, "web/posture/import.html", context, status=status)


@require_POST
@member_required()
def assistant(request: HttpRequest) -> HttpResponse:
    form = AssistantForm(request.POST)
    answer, error = None, ""
    if form.is_valid():
        try:
            answer = assistant_chat(
                organization=request.organization,  # type: ignore[attr-defined]
                user=request.user,
                mode=form.cleaned_data["mode"],
                prompt=form.cleaned_data["prompt"],
            )
        except ApplicationError as exc:
            error = exc.message
    else:
        error = "Choose what to ask for."
    return render(
        request,
        "web/posture/_assistant_answer.html",
        {"answer": answer, "error": error},
        status=400 if error else 200,
    )
