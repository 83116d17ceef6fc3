"""The dashboard in a real browser against a real server: sign up, see the default catalog on the
posture page, change a metric and watch the score move, then ingest a brute-force burst through
the API and see the threat arrive live in the feed (WebSocket), without reloading, then approve the
playbook generated for it from the incident page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import httpx
import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-Correct-Horse-42"


def _shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def _sign_up(page, email: str, organization: str) -> None:
    page.goto("/register")
    page.get_by_label("Full name").fill("Erin Analyst")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Organization name").fill(organization)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/posture$"))


SCORES_JS = (
    "() => [...document.querySelectorAll('#scores .score-value')].map(e => e.innerText.trim()).join('|')"
)


def _scores(page) -> str:
    """The overall score of each framework (CSF 2.0 | AI RMF), as shown."""
    return page.evaluate(SCORES_JS)


def _wait_for_scores_other_than(page, previous: str) -> str:
    page.wait_for_function(f"previous => ({SCORES_JS})() !== previous", arg=previous)
    return _scores(page)


def test_sign_up_then_posture_scores_and_a_live_threat(page, live_server_url, artifacts):
    email = f"erin-{uuid.uuid4().hex[:8]}@example.com"
    _sign_up(page, email, "Acme Security")
    _shot(page, artifacts, "01-posture-after-sign-up")

    # The default catalog is there, scored per CSF 2.0 and AI RMF function.
    assert page.get_by_role("heading", name="Security posture").is_visible()
    assert "Acme Security" in page.locator("#org-switch").inner_text()
    assert re.search(r"\d+ metrics in", page.locator("#scores").inner_text())
    assert page.locator("#scores tr[data-function=GV]").count() == 1
    assert page.locator("#scores tr[data-function=GOVERN]").count() == 1
    assert page.locator("canvas[data-chart=functions]").count() == 2
    before = _scores(page)

    # Inline update of one metric's current value: the row and the score cards change in place.
    row = page.locator("table.metrics tbody tr").first
    number = row.get_attribute("data-metric")
    row.locator("input[name=current_value]").fill("0")
    row.get_by_role("button", name="Save").click()
    page.locator(f'tr[data-metric="{number}"] [data-testid=metric-score]').wait_for()
    first = _wait_for_scores_other_than(page, before)
    row = page.locator(f'tr[data-metric="{number}"]')
    row.locator("input[name=current_value]").fill("100000")
    row.get_by_role("button", name="Save").click()
    second = _wait_for_scores_other_than(page, first)
    assert second != first
    assert page.locator(f'tr[data-metric="{number}"] [data-testid=metric-score]').inner_text() in (
        "0.0",
        "100.0",
    )
    _shot(page, artifacts, "02-posture-after-metric-update")

    # The live feed: open it, wait for the socket, then ingest a burst through the API.
    page.goto("/soc/feed")
    page.locator("#feed-status[data-state=live]").wait_for()
    assert page.locator("tr[data-threat]").count() == 0
    _shot(page, artifacts, "03-feed-live-empty")

    login = httpx.post(
        f"{live_server_url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
    )
    assert login.status_code == 200, login.text
    token = login.json()["data"]["access_token"]
    stamp = datetime.now(UTC).strftime("%b %d %H:%M")
    lines = [
        f"{stamp}:{n:02d} web01 sshd[4{n:03d}]: Failed password for root from 198.51.100.7 port {50000 + n} ssh2"
        for n in range(20)
    ]
    ingest = httpx.post(
        f"{live_server_url}/api/v1/ingest/multi",
        json={"source_type": "sshd", "events": lines},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert ingest.status_code == 202, ingest.text

    threat_row = page.locator("#threat-feed tbody tr[data-threat]").first
    threat_row.wait_for()
    assert "brute_force_attack" in threat_row.inner_text()
    assert "198.51.100.7" in threat_row.inner_text()
    assert "T1110" in threat_row.inner_text()
    _shot(page, artifacts, "04-feed-threat-arrived-live")

    # The incident it opened, with its timeline.
    page.goto("/soc/incidents")
    page.locator("table tbody tr a").first.click()
    page.get_by_role("heading", name="Timeline").wait_for()
    assert page.locator("ol.timeline li").count() >= 1
    assert "198.51.100.7" in page.locator("main").inner_text()
    _shot(page, artifacts, "05-incident-timeline")

    # Its playbook (generated from the threat's recommended actions) waits for approval on the
    # incident page; approve it with a comment and watch it start.
    playbook = page.locator("article.playbook[data-approval=pending]").first
    playbook.wait_for()
    assert "block_ip" in playbook.inner_text()
    playbook_id = playbook.get_attribute("data-playbook")
    page.get_by_label(f"Comment for {playbook_id}").fill("Confirmed brute force from 198.51.100.7")
    playbook.get_by_role("button", name="Approve and run").click()
    decided = page.locator(f'article[data-playbook="{playbook_id}"][data-approval=approved]')
    decided.wait_for()
    assert "Approval: Approved" in decided.locator("[data-testid=approval-status]").inner_text()
    assert (
        decided.locator("[data-testid=approval-comment]").inner_text()
        == "Confirmed brute force from 198.51.100.7"
    )
    # No agent is enrolled here, so the block_ip command cannot be delivered: the run shows why.
    assert decided.get_attribute("data-status") in ("executing", "failed")
    assert decided.locator("tr[data-step] .status").count() >= 1
    _shot(page, artifacts, "06-playbook-approved")
    assert page.js_errors == []  # type: ignore[attr-defined]
