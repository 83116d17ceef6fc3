"""The Sigma subset, correlation types, parsers and the built-in rule set (no database)."""

from datetime import UTC, datetime, timedelta

import pytest

from incidents.detection.attack import techniques
from incidents.detection.engine import CorrelationState, RuleSet, flatten
from incidents.detection.rulesets import builtin_rules
from incidents.detection.sigma import (
    CompiledCorrelation,
    CompiledRule,
    RuleError,
    compile_document,
    parse_documents,
)
from incidents.ingest.parsers import parse_cowrie, parse_json, parse_sshd, parse_web, sniff
from tests.incidents.conftest import cowrie_events

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def compile_all(text: str) -> RuleSet:
    compiled = [compile_document(d) for d in parse_documents(text)]
    return RuleSet(
        [c for c in compiled if isinstance(c, CompiledRule)],
        [c for c in compiled if isinstance(c, CompiledCorrelation)],
    )


def event(n: int = 0, **values) -> dict:
    base = {"timestamp": T0 + timedelta(seconds=n), "source_type": "json", "raw": "", "fields": {}}
    return {**base, **values}


RULE = """
title: Subset probe
id: 7f1e1d7a-0000-4000-8000-000000000001
name: probe
status: test
level: medium
logsource: {category: webserver}
detection:
  sqli:
    url_decoded|contains|all: ['union', 'select']
  path_admin:
    path|startswith: '/admin'
  path_php:
    path|endswith: '.php'
  internal:
    src_ip|cidr: 10.0.0.0/8
  regex:
    user_agent|re: '^curl/\\d'
  wildcard:
    path: '/a?c/*'
  condition: (sqli or 1 of path_*) and not internal or all of regex* or wildcard
"""


class TestSigmaSubset:
    @pytest.fixture
    def rules(self):
        return compile_all(RULE)

    def match(self, rules, **values):
        return bool(rules.match(rules_flat(values)))

    @pytest.mark.parametrize(
        ("values", "expected"),
        [
            ({"url_decoded": "/x?q=UNION all SELECT 1"}, True),  # contains|all, case-insensitive
            ({"url_decoded": "/x?q=union"}, False),  # all: both needed
            ({"path": "/admin/users"}, True),  # startswith
            ({"path": "/index.php"}, True),  # endswith via "1 of"
            ({"path": "/admin", "src_ip": "10.1.2.3"}, False),  # not + cidr
            ({"path": "/admin", "src_ip": "192.0.2.1"}, True),
            ({"user_agent": "curl/8.5.0"}, True),  # re + "all of regex*"
            ({"user_agent": "Mozilla curl/8"}, False),
            ({"path": "/abc/deep"}, True),  # ? and * wildcards
            ({"path": "/abbc/deep"}, False),
        ],
    )
    def test_modifiers_lists_and_conditions(self, rules, values, expected):
        assert self.match(rules, **values) is expected

    def test_logsource_limits_the_sources(self, rules):
        assert not rules.match(rules_flat({"path": "/admin", "source_type": "sshd"}))

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            (
                "title: x\nid: 7f1e1d7a-0000-4000-8000-000000000002\nlogsource: {category: webserver}\n"
                "detection:\n  sel:\n    a|base64offset|contains: x\n  condition: sel",
                "outside the supported",
            ),
            (
                "title: x\nid: 7f1e1d7a-0000-4000-8000-000000000003\nlogsource: {category: webserver}\n"
                "detection:\n  sel:\n    a: 1\n  condition: sel and missing",
                "missing",
            ),
            (
                "title: x\nid: 7f1e1d7a-0000-4000-8000-000000000004\nlogsource: {category: webserver}\n"
                "detection:\n  sel:\n    a|re: '(('\n  condition: sel",
                "regular expression",
            ),
            (
                "title: x\nid: 7f1e1d7a-0000-4000-8000-000000000005\nlogsource: {category: webserver}\n"
                "detection:\n  sel:\n    a: 1\n  condition: sel\ntags: [attack.t9999]",
                "not an ATT&CK",
            ),
            (
                "title: x\nlogsource: {category: webserver}\ndetection:\n  sel:\n    a: 1\n  condition: sel",
                "`id`",
            ),
            ("not: [valid", "YAML"),
        ],
    )
    def test_invalid_rules_are_refused_with_reasons(self, text, fragment):
        def compile_text():
            return [compile_document(d) for d in parse_documents(text)]

        with pytest.raises(RuleError) as caught:
            compile_text()
        assert fragment.lower() in str(caught.value).lower()


def rules_flat(values: dict) -> dict:
    from incidents.detection.engine import flatten

    top = {k: v for k, v in values.items() if k in ("src_ip", "source_type")}
    fields = {k: v for k, v in values.items() if k not in top}
    return flatten({"source_type": "web", "raw": "", "fields": fields, **top})


CORRELATIONS = """
title: failed
id: 7f1e1d7a-0000-4000-8000-000000000010
name: failed
status: test
logsource: {category: authentication}
detection:
  sel: {action: login, outcome: failure}
  condition: sel
---
title: ok
id: 7f1e1d7a-0000-4000-8000-000000000011
name: ok
status: test
logsource: {category: authentication}
detection:
  sel: {action: login, outcome: success}
  condition: sel
---
title: burst
id: 7f1e1d7a-0000-4000-8000-000000000012
name: burst
status: test
correlation: {type: event_count, rules: [failed], group-by: [src_ip], timespan: 1m, condition: {gte: 3}}
---
title: users
id: 7f1e1d7a-0000-4000-8000-000000000013
status: test
correlation: {type: value_count, rules: [failed], group-by: [src_ip], timespan: 1m, condition: {gte: 3, field: user}}
---
title: then ok
id: 7f1e1d7a-0000-4000-8000-000000000014
status: test
correlation: {type: temporal_ordered, rules: [burst, ok], group-by: [src_ip], timespan: 5m}
---
title: both
id: 7f1e1d7a-0000-4000-8000-000000000015
status: test
correlation: {type: temporal, rules: [failed, ok], group-by: [src_ip], timespan: 5m}
"""


class TestCorrelation:
    @pytest.fixture
    def rules(self):
        return compile_all(CORRELATIONS)

    def fired(self, rules, events, state=None):
        return {(f.correlation.title, f.group_key): f.count for f in rules.evaluate(events, state).fires}

    def test_event_count_needs_the_threshold_within_the_timespan(self, rules):
        spread = [
            event(n * 40, action="login", outcome="failure", src_ip="192.0.2.1", user="root")
            for n in range(3)
        ]
        assert ("burst", "src_ip=192.0.2.1") not in self.fired(rules, spread)
        tight = [
            event(n, action="login", outcome="failure", src_ip="192.0.2.1", user="root") for n in range(3)
        ]
        assert self.fired(rules, tight)[("burst", "src_ip=192.0.2.1")] == 3

    def test_group_by_keeps_sources_apart(self, rules):
        mixed = [
            event(n, action="login", outcome="failure", src_ip=f"192.0.2.{n % 2}", user="x") for n in range(4)
        ]
        assert not any(title == "burst" for title, _ in self.fired(rules, mixed))

    def test_value_count_counts_distinct_values(self, rules):
        same_user = [
            event(n, action="login", outcome="failure", src_ip="192.0.2.1", user="root") for n in range(5)
        ]
        assert ("users", "src_ip=192.0.2.1") not in self.fired(rules, same_user)
        many = [
            event(n, action="login", outcome="failure", src_ip="192.0.2.1", user=f"u{n}") for n in range(3)
        ]
        assert self.fired(rules, many)[("users", "src_ip=192.0.2.1")] == 3

    def test_temporal_ordered_chains_a_correlation_and_needs_the_order(self, rules):
        burst = [
            event(n, action="login", outcome="failure", src_ip="192.0.2.1", user="root") for n in range(3)
        ]
        success_after = [
            *burst,
            event(10, action="login", outcome="success", src_ip="192.0.2.1", user="root"),
        ]
        assert ("then ok", "src_ip=192.0.2.1") in self.fired(rules, success_after)
        success_before = [
            event(-10, action="login", outcome="success", src_ip="192.0.2.1", user="root"),
            *burst,
        ]
        assert ("then ok", "src_ip=192.0.2.1") not in self.fired(rules, success_before)
        assert ("both", "src_ip=192.0.2.1") in self.fired(rules, success_before)  # temporal ignores order

    def test_a_window_carries_over_through_seeded_state(self, rules):
        state = CorrelationState()
        state.seed(
            "7f1e1d7a-0000-4000-8000-000000000012",
            "src_ip=192.0.2.1",
            [((T0 + timedelta(seconds=s)).timestamp(), "failed", "", 1, None) for s in (0, 1)],
        )
        later = [event(2, action="login", outcome="failure", src_ip="192.0.2.1", user="root")]
        assert self.fired(rules, later, state)[("burst", "src_ip=192.0.2.1")] == 3

    def test_syslog_repeats_weigh_in_event_counts(self, rules):
        line = "Nov 22 08:00:00 h sshd[1]: message repeated 3 times: [ Failed password for root from 192.0.2.9 port 2 ssh2]"
        parsed = parse_sshd(line)
        assert parsed["fields"]["repeat"] == 3
        assert ("burst", "src_ip=192.0.2.9") in self.fired(rules, [parsed])


def raised(parsed: dict) -> set[str]:
    """Threat types the full built-in rule set raises on one event by itself (rules that only feed
    a correlation, such as every request feeding the DDoS window, raise nothing alone)."""
    compiled = [r.compiled for r in builtin_rules()]
    rules = RuleSet(
        [c for c in compiled if isinstance(c, CompiledRule)],
        [c for c in compiled if isinstance(c, CompiledCorrelation)],
    )
    return {rule.threat_type for rule in rules.match(flatten(parsed)) if rules.generates(rule)}


class TestBuiltinRules:
    def test_every_attack_tag_exists_in_the_attack_data(self):
        known = techniques()
        tags = [t for rule in builtin_rules() for t in rule.compiled.techniques]
        assert tags, "the built-in rules carry ATT&CK tags"
        assert [t for t in tags if t not in known] == []

    def test_every_built_in_rule_has_a_technique_and_required_coverage(self):
        rules = builtin_rules()
        assert all(rule.compiled.techniques for rule in rules)
        covered = {rule.compiled.threat_type for rule in rules}
        assert {
            "brute_force_attack",
            "credential_stuffing",
            "compromised_account",
            "command_execution",
            "malware_download",
            "sql_injection",
            "xss",
            "path_traversal",
            "command_injection",
            "web_scanner",
            "port_scan",
            "ddos",
        } <= covered

    @pytest.mark.parametrize(
        ("line", "threat_type"),
        [
            (
                '203.0.113.5 - - [22/Nov/2026:08:00:00 +0000] "GET //phpmyadmin/scripts/setup.php HTTP/1.1" 404 47 "-" "-"',
                "web_scanner",
            ),
            (
                '203.0.113.5 - - [22/Nov/2026:08:00:00 +0000] "GET /.git/config HTTP/1.1" 404 10 "-" "curl/8.0"',
                "web_scanner",
            ),
            (
                '203.0.113.5 - - [22/Nov/2026:08:00:00 +0000] "GET /page.php?inc=http://evil.example/x.txt? HTTP/1.1" 200 9 "-" "-"',
                "remote_file_inclusion",
            ),
            ('203.0.113.5 - - [22/Nov/2026:08:00:00 +0000] "" 400 0 "-" "-"', "web_scanner"),
            ('203.0.113.5 - - [22/Nov/2026:08:00:00 +0000] "\\x16\\x03\\x01" 400 0 "-" "-"', "web_scanner"),
        ],
    )
    def test_probes_remote_inclusion_and_non_http_requests_found_by_the_web_log_measurement(
        self, line, threat_type
    ):
        parsed = parse_web(line)

        assert parsed["parsed"]
        assert threat_type in raised(parsed)

    @pytest.mark.parametrize(
        "line",
        [
            '198.51.100.2 - - [22/Nov/2026:08:00:00 +0000] "GET /login?next=https://shop.example/cart HTTP/1.1" 200 9 "-" "Mozilla/5.0"',
            '198.51.100.2 - - [22/Nov/2026:08:00:00 +0000] "POST /api/v1/items HTTP/1.1" 400 31 "-" "Mozilla/5.0"',
            '198.51.100.2 - - [22/Nov/2026:08:00:00 +0000] "GET /docs/environment.html HTTP/1.1" 200 900 "-" "Mozilla/5.0"',
        ],
    )
    def test_redirect_parameters_rejected_api_calls_and_ordinary_pages_stay_quiet(self, line):
        assert raised(parse_web(line)) == set()

    def test_the_attack_file_and_its_notice_ship_with_the_app(self):
        from incidents.detection.attack import DATA_FILE

        assert len(techniques()) == 697
        assert (DATA_FILE.parent / "mitre-attack-enterprise.NOTICE.txt").read_text().strip()


class TestParsers:
    def test_every_cowrie_event_of_the_real_capture_parses(self):
        parsed = [parse_cowrie(e) for e in cowrie_events()]
        assert all(p["parsed"] for p in parsed)
        failed = [p for p in parsed if p["action"] == "login" and p["outcome"] == "failure"]
        assert len(failed) == 31
        download = next(p for p in parsed if p["action"] == "file_download")
        assert download["fields"]["sha256"]
        assert download["src_ip"] == "203.0.113.77"

    def test_pam_and_openssh_shapes(self):
        pam = parse_sshd(
            "Nov 22 08:00:00 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 "
            "euid=0 tty=ssh ruser= rhost=198.51.100.7  user=root"
        )
        assert (pam["action"], pam["outcome"], pam["src_ip"], pam["user"]) == (
            "login",
            "failure",
            "198.51.100.7",
            "root",
        )
        openssh = parse_sshd(
            "2026-11-22T08:00:00+00:00 h sshd[1]: Failed password for invalid user bob from "
            "2001:db8::1 port 22 ssh2"
        )
        assert (openssh["src_ip"], openssh["user"], openssh["src_port"]) == ("2001:db8::1", "bob", 22)

    def test_web_combined_and_common(self):
        combined = parse_web(
            '192.0.2.1 - - [22/Nov/2026:10:00:00 +0100] "GET /a?b=%3Cx%3E HTTP/1.1" 404 10 "-" "UA"'
        )
        assert combined["timestamp"] == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
        assert combined["fields"]["status"] == 404
        assert combined["fields"]["url_decoded"] == "/a?b=<x>"
        common = parse_web('192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.0" 200 -')
        assert common["parsed"]
        assert common["fields"]["user_agent"] == ""

    def test_generic_json_aliases_and_unparseable(self):
        parsed = parse_json(
            {"@timestamp": "2026-11-22T10:00:00Z", "source_ip": "192.0.2.5", "result": "denied", "x": 1}
        )
        assert (parsed["src_ip"], parsed["outcome"], parsed["fields"]) == ("192.0.2.5", "failure", {"x": 1})
        broken = parse_json("{not json")
        assert broken["parsed"] is False
        assert broken["raw"] == "{not json"

    def test_sniff_recognises_formats(self):
        assert (
            sniff('192.0.2.1 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1')["source_type"] == "web"
        )
        assert (
            sniff("Nov 22 08:00:00 h sshd[1]: Accepted password for a from 192.0.2.1 port 1 ssh2")[
                "source_type"
            ]
            == "sshd"
        )
        assert sniff("Failed login attempt from 192.168.1.100")["src_ip"] == "192.168.1.100"


def test_keywords_search_the_raw_log():
    rules = compile_all(
        "title: kw\nid: 7f1e1d7a-0000-4000-8000-000000000020\nstatus: test\nlogsource: {category: authentication}\n"
        "detection:\n  keywords: ['failed login', 'auth*fail']\n  condition: keywords"
    )
    assert rules.match(rules_flat({"source_type": "text", "raw": "x"}) | {"raw": "A FAILED LOGIN here"})
    assert rules.match(rules_flat({"source_type": "text"}) | {"raw": "auth  failure"})
    assert not rules.match(rules_flat({"source_type": "text"}) | {"raw": "login ok"})


@pytest.mark.parametrize(
    ("line", "ip", "user"),
    [
        # A user name or auth-info carrying "from <ip> port <n> ssh2" must not forge the source.
        (
            "Nov 11 08:04:52 h sshd[2737]: Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from "
            "127.0.0.1 port 58946 ssh2",
            "127.0.0.1",
            "test from 10.10.1.2 port 55555 ssh2",
        ),
        (
            "Nov 11 08:04:52 h sshd[2737]: Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from "
            "10.10.1.2 port 55555 ssh2",
            "127.0.0.1",
            "test",
        ),
        (
            "Nov 11 08:04:51 h sshd[2737]: Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2",
            "127.0.0.1",
            "from 10.10.1.1",
        ),
        (
            "Jul 20 14:42:12 h sshd[22708]: Invalid user ftp from 10.0.0.1 port 1 from 192.0.2.2 port 37220",
            "192.0.2.2",
            "ftp from 10.0.0.1 port 1",
        ),
        # Other shapes of a failed login: Solaris tag, BSD/macOS PAM, AllowUsers, PAM program names.
        (
            "Mar 29 05:20:09 dusky sshd[19558]: [ID 800047 auth.info] Failed keyboard-interactive for james from "
            "205.186.180.30 port 54520 ssh2",
            "205.186.180.30",
            "james",
        ),
        (
            "Apr 29 17:53:38 mac sshd[47831]: error: PAM: authentication error for james from 205.186.180.102",
            "205.186.180.102",
            "james",
        ),
        (
            "Apr 16 22:01:15 h sshd[5154]: User root from 46.45.128.3 not allowed because listed in DenyUsers",
            "46.45.128.3",
            "root",
        ),
        (
            "Nov 25 17:12:13 webmail pop(pam_unix)[4920]: authentication failure; logname= uid=0 euid=0 tty= ruser= "
            "rhost=192.168.10.3 user=mailuser",
            "192.168.10.3",
            "mailuser",
        ),
    ],
)
def test_failed_logins_take_the_source_sshd_wrote(line, ip, user):
    parsed = parse_sshd(line)
    assert (parsed["action"], parsed["outcome"], parsed["src_ip"], parsed["user"]) == (
        "login" if "Invalid" not in line else "invalid_user",
        "failure",
        ip,
        user,
    )


def test_a_disconnect_does_not_take_an_address_from_the_user_name():
    parsed = parse_sshd(
        "Jul 17 23:04:00 srv sshd[1300]: Connection closed by authenticating user test 127.0.0.1 "
        "192.0.2.11 port 46039 [preauth]"
    )
    assert (parsed["action"], parsed["src_ip"], parsed["user"]) == (
        "disconnect",
        "192.0.2.11",
        "test 127.0.0.1",
    )


def test_offered_public_keys_are_not_failed_logins_unless_the_user_is_unknown():
    compiled = [r.compiled for r in builtin_rules() if isinstance(r.compiled, CompiledRule)]
    failed = RuleSet([r for r in compiled if r.name == "auth_failed"], [])
    known = parse_sshd(
        "Nov 28 09:16:03 srv sshd[1]: Failed publickey for git from 192.0.2.1 port 57904 ssh2: RSA x"
    )
    unknown = parse_sshd(
        "Jul 05 18:22:44 m sshd[2]: Failed publickey for invalid user graysky from 192.0.2.9 port 1 ssh2"
    )
    password = parse_sshd("Jul 05 18:22:44 m sshd[3]: Failed password for git from 192.0.2.1 port 57904 ssh2")
    assert not failed.match(flatten_event(known))
    assert failed.match(flatten_event(unknown))
    assert failed.match(flatten_event(password))


def flatten_event(event):
    from incidents.detection.engine import flatten

    return flatten(event)
