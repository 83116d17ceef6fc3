"""SOC analytics (seed D) and honeypot attacker statistics (seed B): pages whose charts fetch
their data from a JSON endpoint next to them (web/static/web/soc-charts.js), like the API's
analytics, through incidents.analytics and incidents.telemetry selectors."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from web import selectors_soc
from web.access import member_required
from web.forms_soc import WindowForm

DEFAULT_DAYS = 30
HONEYPOT_DAYS = 7


def _days(request: HttpRequest, default: int) -> tuple[WindowForm, int]:
    form = WindowForm(request.GET or None, initial={"days": default})
    days = form.cleaned_data.get("days") if form.is_valid() else None
    return form, days or default


@member_required()
def analytics(request: HttpRequest) -> HttpResponse:
    form, days = _days(request, DEFAULT_DAYS)
    data = selectors_soc.soc_analytics(organization=request.organization, days=days)  # type: ignore[attr-defined]
    status = 400 if request.GET and not form.is_valid() else 200
    return render(
        request, "web/soc/analytics.html", {"form": form, "days": days, "data": data}, status=status
    )


@never_cache
@member_required()
def analytics_data(request: HttpRequest) -> JsonResponse:
    form, days = _days(request, DEFAULT_DAYS)
    if request.GET and not form.is_valid():
        return JsonResponse({"error": "days is one of 1, 7, 30, 90."}, status=400)
    data = selectors_soc.soc_analytics(organization=request.organization, days=days)  # type: ignore[attr-defined]
    return JsonResponse(data, encoder=DjangoJSONEncoder)


@member_required()
def honeypot(request: HttpRequest) -> HttpResponse:
    form, days = _days(request, HONEYPOT_DAYS)
    stats = selectors_soc.honeypot_stats(organization=request.organization, days=days)  # type: ignore[attr-defined]
    status = 400 if request.GET and not form.is_valid() else 200
    return render(
        request, "web/soc/honeypot.html", {"form": form, "days": days, "stats": stats}, status=status
    )


@never_cache
@member_required()
def honeypot_data(request: HttpRequest) -> JsonResponse:
    form, days = _days(request, HONEYPOT_DAYS)
    if request.GET and not form.is_valid():
        return JsonResponse({"error": "days is one of 1, 7, 30, 90."}, status=400)
    stats = selectors_soc.honeypot_stats(organization=request.organization, days=days)  # type: ignore[attr-defined]
    return JsonResponse(stats, encoder=DjangoJSONEncoder)
