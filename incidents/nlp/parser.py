"""The deterministic parser: a question about incidents -> a structured filter (never SQL).

Each recognizer consumes the words it understood; what is left over (minus filler words) is
reported as not understood, so the interpretation shown to the user is honest.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

SEVERITIES = ["low", "medium", "high", "critical"]
STATUSES = ["open", "investigating", "contained", "resolved", "false_positive"]
AGGREGATES = ["top_source_ips", "count", "by_severity", "by_threat_type", "by_status"]
ORDERINGS = ["-last_seen_at", "-risk_score", "-threat_count"]

THREAT_TYPES: list[tuple[str, list[str]]] = [
    (r"brute[- ]?forc\w*|password guess\w*", ["brute_force_attack", "failed_login"]),
    (r"credential[- ]stuffing", ["credential_stuffing"]),
    (r"failed log[- ]?ins?", ["failed_login"]),
    (r"port[- ]?scans?\w*|scanning ports", ["port_scan"]),
    (r"sql[- ]?injections?|sqli", ["sql_injection"]),
    (r"xss|cross[- ]site scripting", ["xss"]),
    (r"command injections?", ["command_injection"]),
    (r"command executions?|commands? executed|remote code execution|rce", ["command_execution"]),
    (r"path traversals?|directory traversals?", ["path_traversal"]),
    (r"malware( downloads?)?|malicious downloads?", ["malware_download"]),
    (r"ddos|denial[- ]of[- ]service", ["ddos"]),
    (r"botnets?( activity)?", ["botnet_activity"]),
    (r"web scanners?|vulnerability scan\w*", ["web_scanner"]),
    (r"compromised accounts?|account takeovers?", ["compromised_account"]),
    (r"defen[cs]e evasion", ["defense_evasion"]),
]

_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
    "a": 1,
    "an": 1,
}
_UNITS = {"minute": 60, "min": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400}
_FILLER = {
    "a",
    "an",
    "the",
    "all",
    "any",
    "show",
    "me",
    "list",
    "find",
    "get",
    "give",
    "what",
    "which",
    "were",
    "was",
    "are",
    "is",
    "there",
    "from",
    "in",
    "on",
    "of",
    "with",
    "for",
    "by",
    "since",
    "during",
    "and",
    "or",
    "to",
    "how",
    "many",
    "incidents",
    "incident",
    "attacks",
    "attack",
    "threats",
    "threat",
    "alerts",
    "alert",
    "activity",
    "events",
    "please",
    "severity",
    "level",
    "ips",
    "ip",
    "addresses",
    "address",
    "sources",
    "source",
    "seen",
    "detected",
    "happened",
    "that",
}


@dataclass
class Parsed:
    filters: dict[str, Any] = field(default_factory=dict)
    understood: list[str] = field(default_factory=list)
    unrecognized: list[str] = field(default_factory=list)


class _Text:
    def __init__(self, text: str):
        self.text = " " + re.sub(r"\s+", " ", text.lower().strip(" ?.!")) + " "

    def take(self, pattern: str) -> re.Match | None:
        match = re.search(pattern, self.text)
        if match:
            self.text = self.text[: match.start()] + " " + self.text[match.end() :]
        return match

    def take_all(self, pattern: str) -> list[re.Match]:
        found = []
        while (match := self.take(pattern)) is not None:
            found.append(match)
        return found

    def leftovers(self) -> list[str]:
        words = re.findall(r"[a-z0-9_.:-]+", self.text)
        return [w for w in words if w not in _FILLER and not w.isdigit()]


def _day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _amount(word: str | None) -> int:
    if not word:
        return 1
    return int(word) if word.isdigit() else _NUMBERS.get(word, 1)


def _time(text: _Text, now: datetime, parsed: Parsed) -> None:
    rules: list[tuple[str, Any]] = [
        (
            r"\b(?:in the |within the |over the |during the )?(?:last|past|previous) (\d+|one|two|three|four|five|six|seven|ten|a|an)? ?(minute|min|hour|day|week|month)s?\b",
            lambda m: (
                now - timedelta(seconds=_amount(m.group(1)) * _UNITS[m.group(2)]),
                None,
                f"the last {_amount(m.group(1))} {m.group(2)}(s)",
            ),
        ),
        (
            r"\b(\d+) (minute|min|hour|day|week|month)s? ago\b",
            lambda m: (
                now - timedelta(seconds=int(m.group(1)) * _UNITS[m.group(2)]),
                None,
                f"since {m.group(1)} {m.group(2)}(s) ago",
            ),
        ),
        (r"\bsince yesterday\b", lambda m: (_day(now) - timedelta(days=1), None, "since yesterday")),
        (r"\byesterday\b", lambda m: (_day(now) - timedelta(days=1), _day(now), "yesterday")),
        (r"\btoday\b|\bthis morning\b", lambda m: (_day(now), None, "today")),
        (r"\bthis week\b", lambda m: (_day(now) - timedelta(days=now.weekday()), None, "this week")),
        (r"\bthis month\b", lambda m: (_day(now).replace(day=1), None, "this month")),
        (
            r"\blast night\b",
            lambda m: (_day(now) - timedelta(hours=6), _day(now) + timedelta(hours=6), "last night"),
        ),
    ]
    for pattern, build in rules:
        match = text.take(pattern)
        if match:
            since, until, label = build(match)
            parsed.filters["since"] = since
            if until is not None:
                parsed.filters["until"] = until
            parsed.understood.append(f"time: {label}")
            return


def _severity(text: _Text, parsed: Parsed) -> None:
    at_least = text.take(
        r"\b(?:severity )?(?:at least|or above|and above|>=) ?(low|medium|high|critical)\b"
    ) or text.take(r"\b(low|medium|high|critical) (?:or|and) (?:above|higher|worse)\b")
    if at_least:
        floor = SEVERITIES.index(at_least.group(1))
        parsed.filters["severity"] = SEVERITIES[floor:]
        parsed.understood.append(f"severity: {at_least.group(1)} or above")
        return
    found = [
        m.group(1)
        for m in text.take_all(r"\b(low|medium|high|critical)(?:[- ]severity|[- ]risk|[- ]priority)?\b")
    ]
    if text.take(r"\bsevere\b|\bserious\b"):
        found += ["high", "critical"]
    if found:
        parsed.filters["severity"] = sorted(set(found), key=SEVERITIES.index)
        parsed.understood.append("severity: " + " or ".join(parsed.filters["severity"]))


def _status(text: _Text, parsed: Parsed) -> None:
    found: list[str] = []
    if text.take(r"\bfalse[- ]positives?\b|\bbenign\b"):
        found.append("false_positive")
    if text.take(r"\bunresolved\b|\bstill open\b|\bactive\b|\bongoing\b"):
        found += ["open", "investigating", "contained"]
    if text.take(r"\b(?:closed|resolved|fixed)\b"):
        found.append("resolved")
    if text.take(r"\bcontained\b|\bquarantined\b"):
        found.append("contained")
    if text.take(r"\binvestigat\w*\b|\bunder investigation\b"):
        found.append("investigating")
    if text.take(r"\bopen\b|\bnew\b"):
        found.append("open")
    if found:
        parsed.filters["status"] = sorted(set(found), key=STATUSES.index)
        parsed.understood.append("status: " + " or ".join(parsed.filters["status"]))


def _aggregate(text: _Text, parsed: Parsed) -> None:
    top = text.take(
        r"\b(?:top|most active|worst)(?P<n> \d+)? (?:attacking |attacker |malicious |source )*(?:ips?|addresses|attackers|sources)\b"
    ) or text.take(r"\bwho (?:is|was|are) attacking( us)?\b|\b(?:attacking|attacker) ips\b")
    if top:
        parsed.filters["aggregate"] = "top_source_ips"
        if top.groupdict().get("n"):
            parsed.filters["limit"] = min(max(int(top.group("n")), 1), 100)
        parsed.understood.append("aggregate: top source IPs by incident count")
        return
    grouped = text.take(r"\b(?:by|per|grouped by|broken down by) (severity|type|threat type|status)\b")
    if grouped:
        key = {"severity": "by_severity", "status": "by_status"}.get(grouped.group(1), "by_threat_type")
        parsed.filters["aggregate"] = key
        text.take(r"\b(?:count|number)( of)?\b")
        parsed.understood.append(f"aggregate: counts {key.replace('_', ' ')}")
        return
    if text.take(r"\bhow many\b|\bcount( of)?\b|\bnumber of\b"):
        parsed.filters["aggregate"] = "count"
        parsed.understood.append("aggregate: count")


def _order(text: _Text, parsed: Parsed) -> None:
    if text.take(r"\b(?:highest|most) risk\w*\b|\briskiest\b|\bmost dangerous\b"):
        parsed.filters["order"] = "-risk_score"
        parsed.understood.append("order: highest risk first")
    elif text.take(r"\b(?:largest|biggest|most threats)\b"):
        parsed.filters["order"] = "-threat_count"
        parsed.understood.append("order: most threats first")
    limit = text.take(r"\b(?:top|first|last|latest) (\d+)\b")
    if limit:
        parsed.filters["limit"] = min(max(int(limit.group(1)), 1), 100)


def parse_question(question: str, *, now: datetime) -> Parsed:
    text, parsed = _Text(question), Parsed()
    for match in text.take_all(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b"):
        try:
            parsed.filters["source_ip"] = str(ipaddress.ip_address(match.group(0)))
            parsed.understood.append(f"source IP: {parsed.filters['source_ip']}")
        except ValueError:
            continue
    techniques = [m.group(0).upper() for m in text.take_all(r"\bt\d{4}(?:\.\d{3})?\b")]
    if techniques:
        parsed.filters["mitre_techniques"] = techniques
        parsed.understood.append("ATT&CK: " + ", ".join(techniques))
    _aggregate(text, parsed)
    _time(text, now, parsed)
    _status(text, parsed)
    _severity(text, parsed)
    types: list[str] = []
    for pattern, names in THREAT_TYPES:
        if text.take(rf"\b(?:{pattern})\b"):
            types += [n for n in names if n not in types]
    if types:
        parsed.filters["threat_types"] = types
        parsed.understood.append("threat types: " + ", ".join(types))
    _order(text, parsed)
    parsed.unrecognized = text.leftovers()
    return parsed


def describe(filters: dict[str, Any]) -> str:
    """One sentence saying what was searched, for the user to check."""
    words = []
    if filters.get("aggregate") == "top_source_ips":
        words.append(f"the top {filters.get('limit', 10)} source IPs of")
    elif filters.get("aggregate") == "count":
        words.append("the number of")
    elif filters.get("aggregate"):
        words.append(f"counts {filters['aggregate'].replace('_', ' ')} of")
    if filters.get("status"):
        words.append(" or ".join(s.replace("_", " ") for s in filters["status"]))
    if filters.get("severity"):
        words.append(" or ".join(filters["severity"]) + " severity")
    if filters.get("threat_types"):
        words.append(" / ".join(t.replace("_", " ") for t in filters["threat_types"]))
    words.append("incidents")
    if filters.get("source_ip"):
        words.append(f"from {filters['source_ip']}")
    if filters.get("mitre_techniques"):
        words.append("mapped to " + ", ".join(filters["mitre_techniques"]))
    if filters.get("since"):
        words.append(f"seen since {filters['since']:%Y-%m-%d %H:%M} UTC")
    if filters.get("until"):
        words.append(f"and before {filters['until']:%Y-%m-%d %H:%M} UTC")
    if filters.get("order") == "-risk_score":
        words.append("(highest risk first)")
    return " ".join(words)
