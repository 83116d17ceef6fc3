"""Property tests of triage across rescans: verdicts survive, rules hold, duplicates never exist."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from scans.models import Finding, FindingStatus, TriageRule
from scans.services.findings import SUPPRESSED, rule_matches
from scans.services.triage import finding_triage, triage_rule_create
from tests.scans.test_findings_lifecycle import ISSUE, PROPERTY, RULES, run

pytestmark = pytest.mark.django_db

SCAN = st.tuples(st.just("scan"), st.lists(ISSUE, max_size=8))
VERDICT = st.tuples(
    st.just("triage"),
    st.integers(0, 20),
    st.sampled_from([FindingStatus.FALSE_POSITIVE, FindingStatus.ACCEPTED_RISK, FindingStatus.EXCEPTION]),
)
RULE = st.tuples(
    st.just("rule"),
    st.sampled_from([*RULES, ""]),
    st.sampled_from(["", "a.py", "b/*", "*.go"]),
)
STEPS = st.lists(st.one_of(SCAN, VERDICT, RULE), min_size=1, max_size=8)


def rows(organization, scope):
    return list(
        Finding.objects.for_organization(organization).filter(scope_key=scope).order_by("created_at", "pk")
    )


@PROPERTY
@given(steps=STEPS)
def test_verdicts_survive_rescans_rules_hold_and_duplicates_never_exist(org_a, steps):
    scope = f"scope-{uuid.uuid4()}"
    future = timezone.now() + timedelta(days=30)
    last_seen: set[str] = set()
    for step in steps:
        before = {finding.fingerprint: finding.status for finding in rows(org_a, scope)}
        if step[0] == "scan":
            result = run(org_a, scope, step[1])
            last_seen = {finding.fingerprint for finding in result.findings}
            after = {finding.fingerprint: finding.status for finding in rows(org_a, scope)}
            # A triaged finding is never reopened (nor fixed) by a rescan while its triage holds.
            for key, status in before.items():
                if status in SUPPRESSED:
                    assert after[key] == status
            # Nothing alerts as new unless it is open.
            assert all(finding.status == FindingStatus.OPEN for finding in result.new)
        elif step[0] == "triage":
            findings = rows(org_a, scope)
            if not findings:
                continue
            finding = findings[step[1] % len(findings)]
            finding_triage(
                finding=finding,
                status=step[2],
                expires_at=future if step[2] == FindingStatus.ACCEPTED_RISK else None,
            )
            assert Finding.objects.for_organization(org_a).get(pk=finding.pk).status == step[2]
        else:
            if not step[1] and not step[2]:
                continue
            triage_rule_create(organization=org_a, name="r", rule_id=step[1], file_pattern=step[2])
        current = rows(org_a, scope)
        fingerprints = [finding.fingerprint for finding in current]
        assert len(fingerprints) == len(set(fingerprints))
        rules = list(TriageRule.objects.for_organization(org_a))
        for finding in current:
            # An open finding was seen by the last scan and no active rule covers it.
            if finding.status == FindingStatus.OPEN:
                assert finding.fingerprint in last_seen
                assert not any(rule_matches(rule, finding) for rule in rules)
