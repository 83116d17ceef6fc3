"""nlp/threat-analysis: a narrative over given incidents or a time window; nlp/status."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.utils import timezone

from ai.services import assistant_complete, assistant_provider_for
from config.api.errors import ApplicationError, ErrorCode
from incidents.models import Incident, Threat
from incidents.nlp.models import QueryLog, SearchDocument
from incidents.nlp.search import LSA_MIN_DOCUMENTS

MAX_INCIDENTS = 200


def _facts(incidents: list[Incident], threats: list[Threat]) -> dict[str, Any]:
    severity = Counter(i.severity for i in incidents)
    types = Counter(t.threat_type for t in threats)
    sources = Counter(i.source_ip for i in incidents if i.source_ip)
    techniques = Counter(tech for t in threats for tech in (t.mitre_techniques or []))
    return {
        "incidents": len(incidents),
        "threats": len(threats),
        "by_severity": dict(severity),
        "by_status": dict(Counter(i.status for i in incidents)),
        "top_threat_types": [{"key": k, "count": v} for k, v in types.most_common(5)],
        "top_sources": [{"key": k, "count": v} for k, v in sources.most_common(5)],
        "top_techniques": [{"key": k, "count": v} for k, v in techniques.most_common(5)],
        "max_risk_score": max((i.risk_score for i in incidents), default=0),
        "first_seen_at": min((i.first_seen_at for i in incidents), default=None),
        "last_seen_at": max((i.last_seen_at for i in incidents), default=None),
    }


def _narrative(facts: dict[str, Any], label: str) -> tuple[str, list[str]]:
    if not facts["incidents"]:
        return f"No incidents {label}.", []
    parts = [f"{facts['incidents']} incidents ({facts['threats']} threats) {label}."]
    severe = facts["by_severity"].get("critical", 0) + facts["by_severity"].get("high", 0)
    if severe:
        parts.append(
            f"{severe} of them are high or critical severity; the highest risk score is {facts['max_risk_score']}."
        )
    if facts["top_threat_types"]:
        lead = facts["top_threat_types"][0]
        parts.append(f"The most frequent threat is {lead['key'].replace('_', ' ')} ({lead['count']}).")
    if facts["top_sources"]:
        src = facts["top_sources"][0]
        parts.append(f"The most active source is {src['key']} with {src['count']} incidents.")
    if facts["top_techniques"]:
        parts.append("ATT&CK techniques seen: " + ", ".join(t["key"] for t in facts["top_techniques"]) + ".")
    open_count = sum(facts["by_status"].get(s, 0) for s in ("open", "investigating"))
    recommendations = []
    if facts["top_sources"]:
        recommendations.append(f"Block or watch {facts['top_sources'][0]['key']}, the most active source.")
    if open_count:
        parts.append(f"{open_count} are still open or under investigation.")
        recommendations.append("Triage the open incidents, highest risk first.")
    if any(
        t["key"] in ("brute_force_attack", "credential_stuffing", "failed_login")
        for t in facts["top_threat_types"]
    ):
        recommendations.append("Enforce MFA and lockout on the targeted services; reset exposed passwords.")
    if any(t["key"] in ("malware_download", "command_execution") for t in facts["top_threat_types"]):
        recommendations.append("Isolate hosts that ran downloaded code and collect forensics.")
    return " ".join(parts), recommendations


def threat_analysis(*, organization, user, incident_ids: list, hours: int | None) -> dict[str, Any]:
    queryset = Incident.objects.for_organization(organization)
    if incident_ids:
        incidents = list(queryset.filter(pk__in=incident_ids)[:MAX_INCIDENTS])
        missing = {str(i) for i in incident_ids} - {str(i.pk) for i in incidents}
        if missing:
            raise ApplicationError(
                ErrorCode.NOT_FOUND, "Some incidents do not exist.", {"incident_ids": sorted(missing)}
            )
        label = "in the selection"
    else:
        hours = hours or 24
        incidents = list(
            queryset.filter(last_seen_at__gte=timezone.now() - timedelta(hours=hours)).order_by(
                "-last_seen_at"
            )[:MAX_INCIDENTS]
        )
        label = f"in the last {hours} hours"
    threats = list(
        Threat.objects.for_organization(organization).filter(incident__in=[i.pk for i in incidents])
    )
    facts = _facts(incidents, threats)
    narrative, recommendations = _narrative(facts, label)
    generator = "deterministic"
    provider = assistant_provider_for(organization=organization, user=user)
    if not provider.is_local and incidents:
        completion = assistant_complete(
            provider=provider,
            system="You are a SOC analyst. Write a short threat analysis from these facts only; do not invent data.",
            prompt=f"Facts: {facts}\nDraft: {narrative}",
        )
        narrative, generator = completion.text.strip() or narrative, f"ai:{provider.code}"
    return {
        "scope": label,
        "generator": generator,
        "narrative": narrative,
        "recommendations": recommendations,
        "facts": facts,
        "incident_ids": [i.pk for i in incidents],
    }


def nlp_status(*, organization, user) -> dict[str, Any]:
    documents = SearchDocument.objects.for_organization(organization)
    queries = QueryLog.objects.for_organization(organization)
    provider = assistant_provider_for(organization=organization, user=user)
    count = documents.count()
    return {
        "query_parser": "deterministic"
        if provider.is_local
        else f"ai:{provider.code} (validated; deterministic fallback)",
        "ai_provider": None if provider.is_local else {"code": provider.code, "model": provider.model},
        "semantic_search": {
            "method": "tfidf_lsa" if count >= LSA_MIN_DOCUMENTS else "tfidf",
            "indexed_documents": count,
            "indexed_incidents": documents.filter(kind="incident").count(),
            "lsa_min_documents": LSA_MIN_DOCUMENTS,
            "embeddings": "hashed term vectors computed at write time (scikit-learn, offline)",
        },
        "queries_answered": queries.count(),
        "last_query_at": queries.values_list("created_at", flat=True).first(),
    }
