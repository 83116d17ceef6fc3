"""nlp/query: a question -> a validated filter (deterministic parser, or the organization's AI provider)
-> results from the ORM, with the interpretation shown."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db.models import Count, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from rest_framework import serializers

from ai.services import assistant_complete, assistant_provider_for
from config.api.errors import ApplicationError
from incidents.models import Incident
from incidents.nlp.models import QueryLog
from incidents.nlp.parser import AGGREGATES, ORDERINGS, SEVERITIES, STATUSES, describe, parse_question


class QueryFilterSerializer(serializers.Serializer):
    """The only shape a question may become; anything else is rejected."""

    severity = serializers.ListField(
        child=serializers.ChoiceField(choices=SEVERITIES), required=False, max_length=4
    )
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=STATUSES), required=False, max_length=5
    )
    threat_types = serializers.ListField(
        child=serializers.RegexField(r"^[a-z][a-z0-9_]{1,63}$"), required=False, max_length=20
    )
    source_ip = serializers.IPAddressField(required=False)
    mitre_techniques = serializers.ListField(
        child=serializers.RegexField(r"^T\d{4}(\.\d{3})?$"), required=False, max_length=10
    )
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    aggregate = serializers.ChoiceField(choices=AGGREGATES, required=False)
    order = serializers.ChoiceField(choices=ORDERINGS, required=False, default="-last_seen_at")
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=25)

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": "Must be after since."})
        return attrs


AI_SYSTEM = (
    "Translate the security analyst's question about incidents into JSON with only these optional keys: "
    f"severity (list of {SEVERITIES}), status (list of {STATUSES}), threat_types (list of snake_case names such as "
    "brute_force_attack, port_scan, sql_injection, xss, malware_download, ddos), source_ip, mitre_techniques "
    f"(list like T1110), since and until (ISO 8601 UTC), aggregate (one of {AGGREGATES}), order (one of {ORDERINGS}), "
    "limit (1-100). Answer with the JSON object only."
)


def _ai_filters(*, organization, user, question: str, now) -> tuple[dict[str, Any] | None, str]:
    provider = assistant_provider_for(organization=organization, user=user)
    if provider.is_local:
        return None, "deterministic"
    try:
        completion = assistant_complete(
            provider=provider, system=AI_SYSTEM, prompt=f"Now: {now.isoformat()}\nQuestion: {question}"
        )
    except ApplicationError:
        return None, "deterministic (AI provider unavailable)"
    match = re.search(r"\{.*\}", completion.text, re.S)
    try:
        raw = json.loads(match.group(0)) if match else None
    except ValueError:
        raw = None
    checked = QueryFilterSerializer(data=raw) if isinstance(raw, dict) else None
    if checked is None or not checked.is_valid():
        return None, "deterministic (AI answer rejected by validation)"
    return checked.validated_data, f"ai:{provider.code}"


def _queryset(organization, filters: dict[str, Any]):
    queryset = Incident.objects.for_organization(organization)
    if filters.get("severity"):
        queryset = queryset.filter(severity__in=filters["severity"])
    if filters.get("status"):
        queryset = queryset.filter(status__in=filters["status"])
    if filters.get("source_ip"):
        queryset = queryset.filter(source_ip=filters["source_ip"])
    if filters.get("since"):
        queryset = queryset.filter(last_seen_at__gte=filters["since"])
    if filters.get("until"):
        queryset = queryset.filter(last_seen_at__lt=filters["until"])
    if filters.get("threat_types"):
        matching = Incident.objects.for_organization(organization).filter(
            threats__threat_type__in=filters["threat_types"]
        )
        queryset = queryset.filter(pk__in=matching.values("pk"))
    if filters.get("mitre_techniques"):
        # The JSON list as text: the same lookup on SQLite and PostgreSQL (sub-techniques match their parent).
        queryset = queryset.annotate(techniques_text=Cast("mitre_techniques", TextField()))
        for technique in filters["mitre_techniques"]:
            queryset = queryset.filter(techniques_text__icontains=f'"{technique}')
    return queryset


def _incident_row(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "human_id": incident.human_id,
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "source_ip": incident.source_ip,
        "risk_score": incident.risk_score,
        "threat_count": incident.threat_count,
        "last_seen_at": incident.last_seen_at,
    }


def query_answer(*, organization, user, question: str, now=None) -> dict[str, Any]:
    now = now or timezone.now()
    parsed = parse_question(question, now=now)
    filters, parser = _ai_filters(organization=organization, user=user, question=question, now=now)
    if filters is None:
        checked = QueryFilterSerializer(data=parsed.filters)
        checked.is_valid(raise_exception=True)
        filters = checked.validated_data
        understood, unrecognized = parsed.understood, parsed.unrecognized
    else:
        understood, unrecognized = [f"{k}: {v}" for k, v in filters.items()], []
    queryset = _queryset(organization, filters)
    aggregate, limit = filters.get("aggregate"), filters.get("limit", 25)
    total = queryset.count()
    if aggregate == "top_source_ips":
        rows = list(
            queryset.exclude(source_ip=None)
            .values("source_ip")
            .annotate(incidents=Count("id"), threats=Sum("threat_count"))
            .order_by("-incidents", "source_ip")[:limit]
        )
        results: list[dict[str, Any]] = [
            {"key": r["source_ip"], "incidents": r["incidents"], "threats": r["threats"] or 0} for r in rows
        ]
        result_type = "aggregate"
    elif aggregate in ("by_severity", "by_status"):
        column = aggregate.removeprefix("by_")
        rows = list(queryset.values(column).annotate(incidents=Count("id")).order_by("-incidents", column))
        results = [{"key": r[column], "incidents": r["incidents"], "threats": None} for r in rows]
        result_type = "aggregate"
    elif aggregate == "by_threat_type":
        rows = list(
            queryset.values("threats__threat_type")
            .annotate(incidents=Count("id", distinct=True))
            .order_by("-incidents", "threats__threat_type")
        )
        results = [
            {"key": r["threats__threat_type"], "incidents": r["incidents"], "threats": None}
            for r in rows
            if r["threats__threat_type"]
        ]
        result_type = "aggregate"
    elif aggregate == "count":
        results, result_type = [], "count"
    else:
        order = filters.get("order", "-last_seen_at")
        results = [_incident_row(i) for i in queryset.order_by(order, "-last_seen_at")[:limit]]
        result_type = "incidents"
    QueryLog.objects.create(
        organization=organization,
        user=user if hasattr(user, "email") else None,
        text=question[:500],
        interpretation=_jsonable(filters),
        parser=parser[:40],
        result_count=total,
    )
    return {
        "query": question,
        "parser": parser,
        "interpretation": {
            "description": describe(filters),
            "filters": _jsonable(filters),
            "understood": understood,
            "unrecognized": unrecognized,
        },
        "result_type": result_type,
        "total": total,
        "results": results,
    }


def _jsonable(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items()}
