"""POST incidents/{id}/ai-analysis: an analysis through the `ai` provider layer.

The offline `local` provider answers here, deterministically, from the incident's own facts (rules
below); a user's remote provider gets the same facts and must answer with the same JSON shape.
Recommended actions are names of the response action registry (incidents.response.actions) with
their params, so they can be executed as a workflow.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from ai.services import ai_change_record, assistant_complete, assistant_provider_for
from config.api.errors import ApplicationError, ErrorCode
from incidents.threats.models import Incident, IncidentObservable, ObservableKind
from incidents.workspace.models import ActivityKind
from incidents.workspace.selectors import incident_threats, technique_name, technique_tactics
from incidents.workspace.services import activity_record

LIKELY_CAUSE = {
    "brute_force_attack": "An automated password-guessing campaign against an exposed login service.",
    "credential_stuffing": "Leaked credentials replayed against many accounts.",
    "compromised_account": "A login succeeded after repeated failures: the guessed password was valid.",
    "command_execution": "An attacker reached a shell and ran commands.",
    "malware_download": "An attacker with shell access fetched a payload to install.",
    "sql_injection": "Unsanitised input reaches a database query on a web application.",
    "xss": "Unescaped input is reflected into web pages.",
    "path_traversal": "File paths from requests are not confined to the web root.",
    "command_injection": "Request parameters reach a shell command.",
    "port_scan": "Reconnaissance: a host enumerating exposed services.",
    "ddos": "A flood of requests from one source aimed at exhausting capacity.",
    "threat_intel_match": "Traffic to or from a known-bad indicator from a threat feed.",
    "web_scanner": "An automated vulnerability scanner probing the web application.",
    "botnet_activity": "A bot's loader commands: the host is being enlisted in a botnet.",
    "discovery": "The attacker is surveying the system it reached.",
    "defense_evasion": "The attacker is erasing traces of its session.",
}


def _users(incident: Incident) -> list[str]:
    return list(
        IncidentObservable.objects.for_organization(incident.organization_id)
        .filter(incident=incident, kind=ObservableKind.USER)
        .values_list("value", flat=True)[:20]
    )


def facts_of(incident: Incident) -> dict[str, Any]:
    threats = incident_threats(incident)
    return {
        "incident_id": incident.human_id,
        "title": incident.title,
        "severity": incident.severity,
        "risk_score": incident.risk_score,
        "status": incident.status,
        "source_ip": incident.source_ip,
        "techniques": incident.mitre_techniques,
        "threat_types": sorted({t.threat_type for t in threats}),
        "targets": sorted({t.target for t in threats if t.target})[:10],
        "users": _users(incident),
        "event_count": sum(t.event_count for t in threats),
        "threat_count": len(threats),
    }


def recommended_actions(incident: Incident, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """Registered response actions with params, most urgent first."""
    actions: list[dict[str, Any]] = []
    types = set(facts["threat_types"])
    severe = incident.severity in ("high", "critical")
    if incident.source_ip and (
        severe or types & {"brute_force_attack", "ddos", "port_scan", "sql_injection"}
    ):
        actions.append(
            {
                "action": "block_ip",
                "params": {"ip": incident.source_ip, "duration_seconds": 86400},
                "reason": "Stop further attempts from the source.",
            }
        )
    if types & {"compromised_account", "command_execution", "malware_download"}:
        for target in facts["targets"][:3]:
            actions.append(
                {
                    "action": "isolate_host",
                    "params": {"host": target.rsplit(":", 1)[0]},
                    "reason": "The host ran attacker commands or accepted the attacker's login.",
                }
            )
    if facts["users"] and types & {"compromised_account", "credential_stuffing", "brute_force_attack"}:
        actions.append(
            {
                "action": "reset_passwords",
                "params": {"users": facts["users"][:20]},
                "reason": "Accounts the attacker tried or used.",
            }
        )
    actions.append(
        {
            "action": "forensic_dump",
            "params": {
                "source": "auth_logs"
                if types & {"brute_force_attack", "compromised_account"}
                else "web_logs",
                "timerange": "24h",
            },
            "reason": "Keep the evidence before logs rotate.",
        }
    )
    if severe:
        actions.append(
            {
                "action": "alert_admin",
                "params": {
                    "subject": f"{incident.human_id}: {incident.title}"[:200],
                    "message": f"Risk score {incident.risk_score}.",
                },
                "reason": "A high-severity incident needs an owner now.",
            }
        )
    return actions


def local_analysis(incident: Incident) -> dict[str, Any]:
    facts = facts_of(incident)
    causes = [LIKELY_CAUSE[t] for t in facts["threat_types"] if t in LIKELY_CAUSE]
    mitre = []
    for technique in facts["techniques"]:
        tactics = [name for _, name in technique_tactics(technique)]
        mitre.append(
            {
                "technique": technique,
                "name": technique_name(technique),
                "tactics": tactics,
                "explanation": f"{technique} ({technique_name(technique)}) belongs to {', '.join(tactics) or 'no known tactic'}.",
            }
        )
    summary = (
        f"{facts['threat_count']} threat(s) over {facts['event_count']} event(s)"
        f"{' from ' + facts['source_ip'] if facts['source_ip'] else ''}: {', '.join(facts['threat_types']) or 'no threat type'}. "
        f"Severity {incident.severity}, risk score {incident.risk_score}/100."
    )
    return {
        "summary": summary,
        "likely_cause": " ".join(causes) or "Not enough evidence to name a cause.",
        "mitre_explanation": mitre,
        "recommended_actions": recommended_actions(incident, facts),
        "confidence": round(min(0.95, 0.5 + 0.1 * len(causes) + 0.05 * len(mitre)), 2),
    }


SYSTEM = (
    "You are a SOC analyst. Answer with one JSON object only, with keys summary (string), likely_cause "
    "(string), mitre_explanation (list of {technique, name, tactics, explanation}), recommended_actions "
    "(list of {action, params, reason}; action one of block_ip, isolate_host, reset_passwords, disable_user, "
    "forensic_dump, alert_admin, notify_webhook) and confidence (0..1)."
)


def _remote_analysis(provider, incident: Incident) -> dict[str, Any]:
    facts = facts_of(incident)
    completion = assistant_complete(provider=provider, system=SYSTEM, prompt=json.dumps(facts, default=str))
    text = completion.text.strip().removeprefix("```json").removeprefix("```").removesuffix("```")
    try:
        answer = json.loads(text)
    except ValueError:
        raise ApplicationError(ErrorCode.AI_ERROR, "The AI provider did not answer with JSON.") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("summary"), str):
        raise ApplicationError(ErrorCode.AI_ERROR, "The AI provider's answer lacks a summary.")
    actions = [
        a
        for a in answer.get("recommended_actions") or []
        if isinstance(a, dict) and isinstance(a.get("action"), str)
    ]
    return {
        "summary": answer["summary"][:4000],
        "likely_cause": str(answer.get("likely_cause", ""))[:4000],
        "mitre_explanation": [m for m in answer.get("mitre_explanation") or [] if isinstance(m, dict)][:30],
        "recommended_actions": [
            {"action": a["action"], "params": a.get("params") or {}, "reason": str(a.get("reason", ""))}
            for a in actions
        ][:20],
        "confidence": float(answer.get("confidence") or 0.5),
    }


def incident_ai_analysis(*, incident: Incident, user) -> Incident:
    provider = assistant_provider_for(organization=incident.organization, user=user)
    analysis = local_analysis(incident) if provider.is_local else _remote_analysis(provider, incident)
    now = timezone.now()
    analysis = {
        **analysis,
        "provider": provider.code,
        "model": provider.model,
        "generated_at": now.isoformat(),
    }
    with transaction.atomic():
        incident.ai_analysis = analysis
        incident.ai_analyzed_at = now
        incident.save(update_fields=["ai_analysis", "ai_analyzed_at", "updated_at"])
        activity_record(incident=incident, kind=ActivityKind.AI_ANALYSIS, actor=user, provider=provider.code)
        ai_change_record(
            organization=incident.organization,
            user=user,
            action="incident_analysis",
            prompt=incident.human_id,
            result={"summary": analysis["summary"]},
            provider_code=provider.code,
            model_id=provider.model,
            source="incidents",
        )
    return incident
