"""The deterministic parser: phrasings an analyst types, and the filters they must become."""

from datetime import UTC, datetime, timedelta

import pytest

from incidents.nlp.parser import describe, parse_question

NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)  # a Wednesday
TODAY = datetime(2026, 11, 18, tzinfo=UTC)

CASES = [
    (
        "high severity brute force from last week",
        {
            "severity": ["high"],
            "threat_types": ["brute_force_attack", "failed_login"],
            "since": NOW - timedelta(days=7),
        },
    ),
    (
        "top attacking IPs yesterday",
        {"aggregate": "top_source_ips", "since": TODAY - timedelta(days=1), "until": TODAY},
    ),
    (
        "top 5 attacking IPs this month",
        {"aggregate": "top_source_ips", "limit": 5, "since": datetime(2026, 11, 1, tzinfo=UTC)},
    ),
    ("critical incidents today", {"severity": ["critical"], "since": TODAY}),
    ("open incidents", {"status": ["open"]}),
    (
        "sql injection attacks in the last 24 hours",
        {"threat_types": ["sql_injection"], "since": NOW - timedelta(hours=24)},
    ),
    (
        "show false positives from last month",
        {"status": ["false_positive"], "since": NOW - timedelta(days=30)},
    ),
    ("incidents from 203.0.113.5", {"source_ip": "203.0.113.5"}),
    (
        "how many incidents this week",
        {"aggregate": "count", "since": datetime(2026, 11, 16, tzinfo=UTC)},
    ),
    (
        "resolved port scans in the past 3 days",
        {"status": ["resolved"], "threat_types": ["port_scan"], "since": NOW - timedelta(days=3)},
    ),
    ("malware downloads", {"threat_types": ["malware_download"]}),
    ("incidents with T1110", {"mitre_techniques": ["T1110"]}),
    ("contained incidents with critical severity", {"status": ["contained"], "severity": ["critical"]}),
    (
        "medium or high severity xss in the last 2 hours",
        {"severity": ["medium", "high"], "threat_types": ["xss"], "since": NOW - timedelta(hours=2)},
    ),
    ("ddos attacks since yesterday", {"threat_types": ["ddos"], "since": TODAY - timedelta(days=1)}),
    (
        "credential stuffing in the last 30 minutes",
        {"threat_types": ["credential_stuffing"], "since": NOW - timedelta(minutes=30)},
    ),
    ("count of incidents by severity", {"aggregate": "by_severity"}),
    (
        "command injection or path traversal this week",
        {
            "threat_types": ["command_injection", "path_traversal"],
            "since": datetime(2026, 11, 16, tzinfo=UTC),
        },
    ),
    ("highest risk incidents", {"order": "-risk_score"}),
    (
        "unresolved brute force incidents",
        {
            "status": ["open", "investigating", "contained"],
            "threat_types": ["brute_force_attack", "failed_login"],
        },
    ),
    (
        "severity at least high in the last 7 days",
        {"severity": ["high", "critical"], "since": NOW - timedelta(days=7)},
    ),
    ("incidents under investigation", {"status": ["investigating"]}),
    ("who is attacking us from 2001:db8::1", {"aggregate": "top_source_ips", "source_ip": "2001:db8::1"}),
    (
        "botnet activity grouped by status 2 days ago",
        {"threat_types": ["botnet_activity"], "aggregate": "by_status", "since": NOW - timedelta(days=2)},
    ),
]


@pytest.mark.parametrize(("question", "expected"), CASES, ids=[c[0] for c in CASES])
def test_phrasing_becomes_the_right_filter(question, expected):
    parsed = parse_question(question, now=NOW)
    assert parsed.filters == expected
    assert parsed.unrecognized == []


def test_words_it_does_not_understand_are_reported_not_guessed():
    parsed = parse_question("critical kerberoasting on the payroll cluster", now=NOW)
    assert parsed.filters == {"severity": ["critical"]}
    assert parsed.unrecognized == ["kerberoasting", "payroll", "cluster"]


def test_the_interpretation_reads_back_what_was_searched():
    parsed = parse_question("top attacking IPs yesterday", now=NOW)
    text = describe(parsed.filters)
    assert text.startswith("the top 10 source IPs of incidents")
    assert "2026-11-17 00:00" in text
    assert "2026-11-18 00:00" in text
