"""SOC pages (seeds B and D) over what the incidents app has: the live threat feed (the /ws/threats
WebSocket), threats, incidents with their timeline, detection rules, sensors and ingest batches."""

from __future__ import annotations

from collections import Counter

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from incidents.filters import ThreatFilter
from incidents.threats.models import IncidentStatus, Severity, ThreatStatus
from web import selectors
from web.access import member_required
from web.services import feed_token_issue

PAGE_SIZE = 25
FEED_SIZE = 50


@member_required()
def threat_feed(request: HttpRequest) -> HttpResponse:
    """Latest threats, then new ones pushed over /ws/threats as `threat_detected` events."""
    threats = list(selectors.threats_of(organization=request.organization)[:FEED_SIZE])  # type: ignore[attr-defined]
    by_severity = Counter(t.severity for t in threats)
    chart = {
        "labels": [label for _value, label in Severity.choices],
        "values": [by_severity.get(value, 0) for value, _label in Severity.choices],
    }
    return render(request, "web/soc/feed.html", {"threats": threats, "chart": chart})


@never_cache
@member_required()
def feed_token(request: HttpRequest) -> JsonResponse:
    """A short-lived access token for the page's WebSocket (same origin only: no CORS here)."""
    return JsonResponse(feed_token_issue(membership=request.membership))  # type: ignore[attr-defined]


@member_required()
def threats(request: HttpRequest) -> HttpResponse:
    queryset = selectors.threats_of(organization=request.organization)  # type: ignore[attr-defined]
    filtered = ThreatFilter(data=request.GET or None, queryset=queryset)
    page = Paginator(filtered.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filtered.form,
        "severities": Severity.choices,
        "statuses": ThreatStatus.choices,
        "query": query.urlencode(),
    }
    return render(request, "web/soc/threats.html", context, status=400 if filtered.errors else 200)


@member_required()
def threat_detail(request: HttpRequest, human_id: str) -> HttpResponse:
    threat = selectors.threats_of(organization=request.organization).filter(human_id=human_id).first()  # type: ignore[attr-defined]
    if threat is None:
        raise Http404("No such threat in this organization.")
    return render(request, "web/soc/threat.html", {"threat": threat})


@member_required()
def incidents(request: HttpRequest) -> HttpResponse:
    queryset = selectors.incidents_of(organization=request.organization)  # type: ignore[attr-defined]
    status = request.GET.get("status", "")
    severity = request.GET.get("severity", "")
    if status in IncidentStatus.values:
        queryset = queryset.filter(status=status)
    if severity in Severity.values:
        queryset = queryset.filter(severity=severity)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "statuses": IncidentStatus.choices,
        "severities": Severity.choices,
        "status": status,
        "severity": severity,
    }
    return render(request, "web/soc/incidents.html", context)


@member_required()
def incident_detail(request: HttpRequest, human_id: str) -> HttpResponse:
    incident = selectors.incidents_of(organization=request.organization).filter(human_id=human_id).first()  # type: ignore[attr-defined]
    if incident is None:
        raise Http404("No such incident in this organization.")
    threats = list(selectors.incident_threats(incident=incident))
    timeline = sorted(
        (
            {**entry, "threat": threat.human_id}
            for threat in threats
            for entry in (threat.timeline or [])
            if isinstance(entry, dict)
        ),
        key=lambda entry: str(entry.get("timestamp", "")),
    )
    return render(
        request, "web/soc/incident.html", {"incident": incident, "threats": threats, "timeline": timeline}
    )


@member_required()
def rules(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/soc/rules.html",
        {"rules": selectors.rules_of(organization=request.organization)},  # type: ignore[attr-defined]
    )


@member_required()
def ingest(request: HttpRequest) -> HttpResponse:
    batches = Paginator(
        selectors.ingest_batches_of(organization=request.organization),  # type: ignore[attr-defined]
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {"sensors": selectors.sensors_of(organization=request.organization), "page": batches}  # type: ignore[attr-defined]
    return render(request, "web/soc/ingest.html", context)
