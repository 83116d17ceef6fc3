"""Quality of the authentication rules on public, annotated log lines.

Input: a TSV of `expected<TAB>source<TAB>log line` (expected 1: fail2ban's annotation says the line is an
authentication failure by `source`; 0: it is not). The lines used for bench/quality-report.md come from
fail2ban's test corpus (see the report for the exact files, commit and licence); they are not
redistributed here. Usage: `python -m bench.quality_auth var/quality/fail2ban-sshd-pam.tsv`.

A line counts as flagged when the built-in failed-login rules (auth_failed, auth_invalid_user) match it
with the annotated source as src_ip. Single lines never reach the brute-force thresholds, so this
measures the base rules those correlations count.
"""

import json
import os
import sys
from collections import defaultdict


def main(path: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from incidents.detection.engine import RuleSet, flatten
    from incidents.detection.rulesets import builtin_rules
    from incidents.detection.sigma import CompiledRule
    from incidents.ingest.parsers import parse_sshd

    base = [r.compiled for r in builtin_rules() if isinstance(r.compiled, CompiledRule)]
    failed = [r for r in base if r.name in ("auth_failed", "auth_invalid_user")]
    ruleset = RuleSet(failed, [])
    sources: dict[str, dict[str, bool]] = defaultdict(lambda: {"attack": False, "flagged": False})
    lines = {"attack": 0, "attack_flagged": 0, "benign": 0, "benign_flagged": 0, "wrong_source": 0}
    missed = []
    with open(path, encoding="utf-8") as handle:
        rows = handle.read().splitlines()
    for row in rows:
        expected, source, line = row.split("\t", 2)
        event = parse_sshd(line)
        hit = bool(ruleset.match(flatten(event)))
        if hit and event["src_ip"] != source:
            lines["wrong_source"] += 1
        flagged = hit and event["src_ip"] == source
        kind = "attack" if expected == "1" else "benign"
        lines[kind] += 1
        lines[f"{kind}_flagged"] += flagged
        if expected == "1":
            sources[source]["attack"] = True
            if not flagged:
                missed.append(line)
        sources[source]["flagged"] |= flagged
    attacking = [s for s, v in sources.items() if v["attack"]]
    benign = [s for s, v in sources.items() if not v["attack"] and s != "-"]
    return {
        "lines": lines,
        "attacking_sources": len(attacking),
        "attacking_sources_flagged": sum(sources[s]["flagged"] for s in attacking),
        "benign_sources": len(benign),
        "benign_sources_flagged": sum(sources[s]["flagged"] for s in benign),
        "missed_lines": missed,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), indent=2))
