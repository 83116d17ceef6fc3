"""Property tests of the findings' state machine: rescans never corrupt states."""

import uuid

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scans.engines.base import EngineFinding
from scans.models import Finding, FindingStatus, Scan, ScanSource, ScanType
from scans.services.findings import findings_reconcile

pytestmark = pytest.mark.django_db

RULES = ["aws-access-key-id", "github-token", "bandit-B301", "js-eval"]
ISSUE = st.tuples(st.sampled_from(RULES), st.sampled_from(["a.py", "b/c.js", "d.go"]), st.integers(0, 5))
ROUNDS = st.lists(st.lists(ISSUE, max_size=8), min_size=1, max_size=5)
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def engine_findings(issues) -> list[EngineFinding]:
    return [
        EngineFinding(
            rule_id=rule,
            finding_type="hardcoded_token",
            severity="high",
            description="d",
            remediation="r",
            file_path=path,
            line_number=line + 1,
            value=f"value-{rule}-{line}",
            identity=f"{rule}:value-{rule}-{line}",
        )
        for rule, path, line in issues
    ]


def scan_in(organization, scope_key: str) -> Scan:
    return Scan.objects.create(
        organization=organization, scan_type=ScanType.CODE, source=ScanSource.SNIPPET, scope_key=scope_key
    )


def run(organization, scope_key, issues, *, complete=True):
    with transaction.atomic():
        return findings_reconcile(
            scan=scan_in(organization, scope_key), engine_findings=engine_findings(issues), complete=complete
        )


def states(organization, scope_key) -> dict[str, str]:
    return dict(
        Finding.objects.for_organization(organization)
        .filter(scope_key=scope_key)
        .values_list("fingerprint", "status")
    )


@PROPERTY
@given(rounds=ROUNDS)
def test_rescanning_identical_input_changes_nothing(org_a, rounds):
    scope = f"scope-{uuid.uuid4()}"
    for issues in rounds:
        run(org_a, scope, issues)
    before = states(org_a, scope)
    again = run(org_a, scope, rounds[-1])
    assert states(org_a, scope) == before
    assert again.new == []
    assert again.fixed == []


@PROPERTY
@given(rounds=ROUNDS)
def test_open_is_exactly_what_the_last_complete_scan_saw_and_duplicates_never_exist(org_a, rounds):
    scope = f"scope-{uuid.uuid4()}"
    for issues in rounds:
        result = run(org_a, scope, issues)
        open_now = {key for key, status in states(org_a, scope).items() if status == FindingStatus.OPEN}
        assert open_now == {finding.fingerprint for finding in result.findings}
        rows = list(
            Finding.objects.for_organization(org_a)
            .filter(scope_key=scope)
            .values_list("fingerprint", flat=True)
        )
        assert len(rows) == len(set(rows))


@PROPERTY
@given(issues=st.lists(ISSUE, min_size=1, max_size=8))
def test_absent_from_a_complete_rescan_is_fixed_and_back_again_is_reopened(org_a, issues):
    scope = f"scope-{uuid.uuid4()}"
    first = run(org_a, scope, issues)
    gone = run(org_a, scope, [])
    assert set(states(org_a, scope).values()) == {FindingStatus.FIXED}
    assert len(gone.fixed) == len(first.findings)
    back = run(org_a, scope, issues)
    assert set(states(org_a, scope).values()) == {FindingStatus.OPEN}
    assert len(back.new) == len(first.findings)  # a regression is new again (and alerts again)


def test_an_incomplete_scan_fixes_nothing(org_a):
    run(org_a, "s", [("js-eval", "a.js", 1)])
    run(org_a, "s", [], complete=False)
    assert set(states(org_a, "s").values()) == {FindingStatus.OPEN}


def test_moving_a_line_keeps_the_finding(org_a):
    first = run(org_a, "s", [("github-token", "a.py", 1)])
    moved = findings_reconcile
    with transaction.atomic():
        shifted = engine_findings([("github-token", "a.py", 1)])
        shifted[0].line_number = 40
        moved(scan=scan_in(org_a, "s"), engine_findings=shifted, complete=True)
    finding = Finding.objects.for_organization(org_a).get()
    assert finding.pk == first.findings[0].pk
    assert finding.line_number == 40
    assert finding.status == FindingStatus.OPEN


def test_triaged_findings_stay_triaged_until_their_expiry(org_a):
    import datetime as dt

    from django.utils import timezone

    run(org_a, "s", [("js-eval", "a.js", 1), ("github-token", "a.py", 2)])
    Finding.objects.for_organization(org_a).filter(rule_id="js-eval").update(
        status=FindingStatus.FALSE_POSITIVE
    )
    Finding.objects.for_organization(org_a).filter(rule_id="github-token").update(
        status=FindingStatus.ACCEPTED_RISK, triage_expires_at=timezone.now() - dt.timedelta(days=1)
    )
    result = run(org_a, "s", [("js-eval", "a.js", 1), ("github-token", "a.py", 2)])
    statuses = dict(Finding.objects.for_organization(org_a).values_list("rule_id", "status"))
    assert statuses == {"js-eval": FindingStatus.FALSE_POSITIVE, "github-token": FindingStatus.OPEN}
    assert [finding.rule_id for finding in result.new] == ["github-token"]


def test_the_same_issue_in_two_organizations_has_different_fingerprints(org_a, org_b):
    run(org_a, "s", [("github-token", "a.py", 1)])
    run(org_b, "s", [("github-token", "a.py", 1)])
    assert states(org_a, "s").keys().isdisjoint(states(org_b, "s").keys())
