"""Quality of the built-in rules on public web-server logs: attacking and benign sources flagged.

    .venv/bin/python -m bench.quality_web --fetch   # dev time only: apt-get download fail2ban into var/quality/
    .venv/bin/python -m bench.quality_web           # offline: evaluate, print JSON

Data (nothing third-party is committed; everything lives under the git-ignored var/quality/):

- Attacks: fail2ban 1.0.2's annotated filter test corpus (Debian package `fail2ban` 1.0.2-2,
  GPL-2.0, used as test input only), `fail2ban/tests/files/logs/<filter>`: every line is preceded
  by a `# failJSON: {"match": true|false, "host": ...}` comment saying whether it is an attack and
  from which host. The filter's name gives the attack type (ATTACK_TYPES below).
- Benign: `var/quality/elastic-apache-logs-head.log`, the first lines of `elastic/examples`
  `Common Data Formats/apache_logs/apache_logs` (commit 253b8ef9, Apache-2.0: real Apache
  combined-format traffic of semicomplete.com, May 2015), copied by hand (there is no network at
  run time; `--fetch` cannot get it). Every source in it was reviewed by hand: browsers, search
  and archive crawlers, feed readers; none is an attacker (see bench/quality-report.md).

A source counts as flagged when any built-in rule or correlation that raises threats (the full
rule set, evaluated per corpus in time order, as ingest does) fires on an event from it.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "var" / "quality"
LOGS = (
    DATA / "fail2ban" / "usr" / "lib" / "python3" / "dist-packages" / "fail2ban" / "tests" / "files" / "logs"
)
BENIGN = DATA / "elastic-apache-logs-head.log"
ATTACK_TYPES = {
    "apache-badbots": "bad bots (e-mail harvesters, spam bots)",
    "apache-botsearch": "content discovery / vulnerability probing",
    "nginx-botsearch": "content discovery / vulnerability probing",
    "apache-noscript": "probing for scripts",
    "apache-overflows": "overflow / malformed requests",
    "nginx-bad-request": "malformed requests (scanners, RDP/TLS probes on HTTP)",
    "apache-shellshock": "command injection (Shellshock)",
    "php-url-fopen": "remote file inclusion",
    "apache-fakegooglebot": "crawler impersonation",
    "apache-modsecurity": "WAF-blocked attacks",
}


def fetch() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", "fail2ban"], cwd=DATA, check=True)
    package = sorted(glob.glob(str(DATA / "fail2ban_*.deb")))[-1]
    subprocess.run(["dpkg", "-x", package, str(DATA / "fail2ban")], check=True)


def annotated(path: Path) -> list[tuple[bool, str, str]]:
    """(is attack, host, line) for every annotated line of a fail2ban test log."""
    rows = []
    expected = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("# failJSON:"):
            expected = json.loads(line.split(":", 1)[1])
            continue
        if not line.strip() or line.startswith("#") or expected is None:
            continue
        if expected.get("host"):
            rows.append((bool(expected.get("match")), str(expected["host"]), line))
        expected = None
    return rows


def evaluate(lines: list[str]) -> tuple[dict[str, set[str]], int]:
    """Threat types raised per source over lines in time order, and how many lines did not parse."""
    from incidents.detection.engine import CorrelationState, RuleSet
    from incidents.detection.rulesets import builtin_rules
    from incidents.detection.sigma import CompiledCorrelation, CompiledRule
    from incidents.ingest.parsers import parse

    compiled = [rule.compiled for rule in builtin_rules()]
    ruleset = RuleSet(
        [c for c in compiled if isinstance(c, CompiledRule)],
        [c for c in compiled if isinstance(c, CompiledCorrelation)],
    )
    events = [parse("web", line) for line in lines]
    unparsed = sum(1 for event in events if not event["parsed"])
    events = sorted((e for e in events if e["parsed"]), key=lambda e: e["timestamp"])
    evaluation = ruleset.evaluate(events, CorrelationState())
    flagged: dict[str, set[str]] = defaultdict(set)
    for hit in evaluation.hits:
        if ruleset.generates(hit.rule) and events[hit.index].get("src_ip"):
            flagged[events[hit.index]["src_ip"]].add(hit.rule.threat_type)
    for fire in evaluation.fires:
        for index in fire.indexes:
            if events[index].get("src_ip"):
                flagged[events[index]["src_ip"]].add(fire.correlation.threat_type)
    return flagged, unparsed


def main() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    results: dict = {"attacks": {}, "benign": {}}
    for name, attack_type in ATTACK_TYPES.items():
        rows = annotated(LOGS / name)
        flagged, unparsed = evaluate([line for _attack, _host, line in rows])
        attacking = {host for attack, host, _line in rows if attack}
        benign = {host for attack, host, _line in rows if not attack} - attacking
        results["attacks"][name] = {
            "attack_type": attack_type,
            "lines": len(rows),
            "lines_not_access_log": unparsed,
            "attacking_sources": len(attacking),
            "attacking_sources_flagged": len(attacking & set(flagged)),
            "benign_sources": len(benign),
            "benign_sources_flagged": len(benign & set(flagged)),
            "threat_types": sorted({t for host in attacking for t in flagged.get(host, ())}),
            "missed_lines": [line for attack, host, line in rows if attack and host not in flagged][:5],
        }
    lines = BENIGN.read_text(encoding="utf-8").splitlines()
    flagged, unparsed = evaluate(lines)
    sources = {line.split(" ", 1)[0] for line in lines}
    results["benign"] = {
        "lines": len(lines),
        "lines_not_access_log": unparsed,
        "sources": len(sources),
        "sources_flagged": sorted(f"{s}: {', '.join(sorted(t))}" for s, t in flagged.items()),
    }
    return results


if __name__ == "__main__":
    if "--fetch" in sys.argv:
        fetch()
    else:
        print(json.dumps(main(), indent=2))
