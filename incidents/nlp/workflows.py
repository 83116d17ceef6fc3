"""workflows/nlp/*: a response plan in plain words -> steps of registered response actions.

The plan is split into clauses; each clause maps onto one action of the response registry
(incidents.response.actions) with its parameters, validated by that action's own schema.
Clauses that map onto nothing are listed, never guessed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from config.api.errors import ApplicationError, ErrorCode
from incidents.response.actions import action_registry, find_action

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "week": 604800,
}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12, "an": 1, "a": 1, "half an": 0.5}
_IP = r"(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}"
_SPLIT = re.compile(r"\s*(?:;|,\s*(?:and\s+)?(?:then\s+)?|\band then\b|\bthen\b|\band\b|\balso\b)\s*", re.I)


@dataclass(frozen=True)
class Phrase:
    action: str
    pattern: str
    params: Callable[[re.Match, str, dict[str, Any]], dict[str, Any]]
    example: str


def _duration(text: str) -> int | None:
    match = re.search(
        r"\bfor (\d+|one|two|three|four|six|twelve|an|a|half an) ?(s|sec|seconds?|m|min|minutes?|h|hr|hours?|d|days?|weeks?)\b",
        text,
    )
    if not match:
        return None
    amount = float(match.group(1)) if match.group(1).isdigit() else _WORDS[match.group(1)]
    unit = match.group(2).rstrip("s") if len(match.group(2)) > 1 else match.group(2)
    return int(amount * _UNITS.get(unit, _UNITS.get(match.group(2), 1)))


def _ip(text: str, context: dict[str, Any]) -> str | None:
    for candidate in re.findall(_IP, text):
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return context.get("ip")


def _words_after(text: str, keyword: str) -> str | None:
    match = re.search(rf"\b{keyword}\s+([a-z0-9][a-z0-9._-]*)", text)
    return match.group(1) if match else None


def _block(m, text, ctx):
    params: dict[str, Any] = {"ip": _ip(text, ctx)}
    if (seconds := _duration(text)) is not None:
        params["duration_seconds"] = seconds
    return params


def _isolate(m, text, ctx):
    host = _words_after(text, r"(?:host|machine|server|endpoint|workstation|laptop)") or ctx.get("host")
    params: dict[str, Any] = {"host": host}
    if (seconds := _duration(text)) is not None:
        params["duration_seconds"] = seconds
    return params


def _users(m, text, ctx):
    found = re.findall(r"\b(?:user|account|for)\s+(?=([a-z0-9][a-z0-9._@-]*))", text)
    users = [
        u
        for u in found
        if u not in ("the", "all", "affected", "compromised", "user", "users", "account", "accounts")
    ]
    return {"users": users or ctx.get("users") or ([ctx["user"]] if ctx.get("user") else [])}


def _user(m, text, ctx):
    user = _words_after(text, r"(?:user|account)")
    return {"user": user if user not in (None, "the") else ctx.get("user")}


def _forensics(m, text, ctx):
    params: dict[str, Any] = {}
    window = re.search(r"\b(?:last|past) (\d+) ?(m|h|d|minutes?|hours?|days?)\b", text)
    if window:
        params["timerange"] = f"{window.group(1)}{window.group(2)[0]}"
    host = _words_after(text, r"(?:host|machine|server)") or ctx.get("host")
    if host:
        params["host"] = host
    return params


def _alert(m, text, ctx):
    who = m.group("who") if "who" in m.groupdict() and m.group("who") else "the SOC"
    return {"subject": f"Response plan: notify {who}", "message": ctx.get("plan", "")[:5000]}


def _webhook(m, text, ctx):
    severity = re.search(r"\b(low|medium|high|critical)\b", text)
    return {"message": ctx.get("plan", "")[:5000], **({"severity": severity.group(1)} if severity else {})}


def _ticket(m, text, ctx):
    priority = re.search(r"\b(low|medium|high|critical)\b", text)
    return {
        "title": ctx.get("title", "Response follow-up")[:300],
        "priority": priority.group(1) if priority else "medium",
    }


PHRASES: list[Phrase] = [
    Phrase(
        "unblock_ip",
        r"\b(?:unblock|unban|allow again|lift the block)\b",
        lambda m, t, c: {"ip": _ip(t, c)},
        "unblock 203.0.113.7",
    ),
    Phrase(
        "block_ip",
        r"\b(?:block|ban|blacklist|deny|drop traffic from|quarantine)\b.*\b(?:ip|address|attacker|source|\d{1,3}\.\d)",
        _block,
        "block the attacker IP for 2 hours",
    ),
    Phrase(
        "release_host",
        r"\b(?:release|reconnect|un-?isolate)\b.*\b(?:host|machine|server|endpoint)\b",
        lambda m, t, c: {"host": _words_after(t, r"(?:host|machine|server|endpoint)") or c.get("host")},
        "release host web-01",
    ),
    Phrase(
        "isolate_host",
        r"\b(?:isolate|quarantine|disconnect|contain)\b.*\b(?:host|machine|server|endpoint|workstation|laptop)\b",
        _isolate,
        "isolate host web-01 for 1 day",
    ),
    Phrase(
        "reset_passwords",
        r"\breset\b.*\bpasswords?\b|\brotate\b.*\bcredentials\b",
        _users,
        "reset passwords for user alice",
    ),
    Phrase(
        "disable_user",
        r"\b(?:disable|lock|suspend|deactivate)\b.*\b(?:user|account)\b",
        _user,
        "disable account bob",
    ),
    Phrase(
        "forensic_dump",
        r"\bforensic\w*\b|\bcollect (?:evidence|logs)\b|\bmemory dump\b|\bcapture\b.*\blogs\b",
        _forensics,
        "collect forensics from host web-01 for the last 2h",
    ),
    Phrase(
        "notify_webhook",
        r"\b(?:webhook|slack|teams channel|pagerduty)\b",
        _webhook,
        "post to the slack webhook",
    ),
    Phrase(
        "create_ticket", r"\b(?:ticket|jira|case|incident report)\b", _ticket, "open a high priority ticket"
    ),
    Phrase(
        "alert_admin",
        r"\b(?:notify|alert|inform|tell|page|email|escalate to)\b(?: the)?\s*(?P<who>soc|admins?|administrators?|team|security team|on-?call|analysts?|ciso|manager)?",
        _alert,
        "notify the SOC",
    ),
]


def _clauses(plan: str) -> list[str]:
    return [c.strip(" .") for c in _SPLIT.split(plan) if c and c.strip(" .")]


def plan_parse(*, plan: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    context = {**(context or {}), "plan": plan}
    registry = action_registry()
    steps: list[dict[str, Any]] = []
    unmapped: list[str] = []
    for clause in _clauses(plan):
        text = clause.lower()
        phrase = next((p for p in PHRASES if p.action in registry and re.search(p.pattern, text)), None)
        if phrase is None:
            unmapped.append(clause)
            continue
        match = re.search(phrase.pattern, text)
        if match is None:  # unreachable: the phrase was chosen because it matched
            unmapped.append(clause)
            continue
        raw = {k: v for k, v in phrase.params(match, text, context).items() if v not in (None, [], "")}
        spec = find_action(phrase.action)
        step: dict[str, Any] = {
            "action": phrase.action,
            "text": clause,
            "params": raw,
            "valid": True,
            "param_errors": {},
        }
        try:
            step["params"] = spec.validate(raw) if spec else raw
        except ApplicationError as failure:
            step["valid"], step["param_errors"] = False, failure.details.get("params", {})
        step["requires_approval"] = bool(spec and spec.requires_approval)
        steps.append(step)
    valid = bool(steps) and all(s["valid"] for s in steps) and not unmapped
    return {
        "plan": plan,
        "steps": steps,
        "unmapped": unmapped,
        "valid": valid,
        "requires_approval": any(s["requires_approval"] for s in steps),
    }


def plan_create(
    *,
    organization,
    actor,
    plan: str,
    name: str,
    context: dict[str, Any],
    incident=None,
    allow_partial: bool = False,
    dry_run: bool = False,
):
    from incidents.response.models import WorkflowOrigin
    from incidents.response.services.workflows import workflow_create

    parsed = plan_parse(plan=plan, context=context)
    usable = [s for s in parsed["steps"] if s["valid"]]
    if not usable or (not allow_partial and not parsed["valid"]):
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "The plan does not map completely onto registered response actions.",
            {
                "unmapped": parsed["unmapped"],
                "invalid_steps": [
                    {"text": s["text"], "action": s["action"], "errors": s["param_errors"]}
                    for s in parsed["steps"]
                    if not s["valid"]
                ],
            },
        )
    workflow = workflow_create(
        organization=organization,
        name=name or plan[:200],
        description=f"From a natural-language plan: {plan}",
        steps=[{"action": s["action"], "params": s["params"]} for s in usable],
        origin=WorkflowOrigin.MANUAL,
        incident=incident,
        actor=actor,
        dry_run=dry_run,
        skipped_recommendations=parsed["unmapped"] + [s["text"] for s in parsed["steps"] if not s["valid"]],
    )
    return workflow, parsed


EXAMPLES = [
    "block the attacker IP for 2 hours and notify the SOC",
    "block 203.0.113.7 for 1 day, isolate host web-01 and open a high priority ticket",
    "reset passwords for user alice then disable account bob",
    "collect forensics from host db-02 for the last 6h and alert the security team",
    "isolate host laptop-17, post to the slack webhook with critical severity",
    "unblock 198.51.100.9 and notify the admins",
]


def capabilities() -> list[dict[str, Any]]:
    registry = action_registry()
    rows = []
    for phrase in PHRASES:
        spec = registry.get(phrase.action)
        if spec is None:
            continue
        rows.append(
            {
                "action": spec.name,
                "category": spec.category,
                "description": spec.description,
                "requires_approval": spec.requires_approval,
                "example": phrase.example,
                "params": spec.param_schema(),
            }
        )
    return rows
