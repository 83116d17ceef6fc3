"""Scanner and productivity in a real browser against a real server: sign up, run a code scan with a
hard-coded secret and see it redacted in the findings, then export a productivity report and
download the file (its content type and size checked, and its rows parsed)."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-Correct-Horse-42"
# Well-formed, never issued (split so this file holds no whole credential).
AWS_KEY_ID = "AKIA" + "Z7QW3RTY4UIOPLKJ"
LEAKY = (
    f'import os\n\nAWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"\nREGION = os.environ.get("AWS_REGION", "eu-west-1")\n'
)


def _shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def _sign_up(page, email: str) -> None:
    page.goto("/register")
    page.get_by_label("Full name").fill("Sam Scanner")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Organization name").fill("Scan & Measure Ltd")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/posture$"))


def _ingest_metrics(base_url: str, email: str) -> None:
    login = httpx.post(
        f"{base_url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
    )
    assert login.status_code == 200, login.text
    token = login.json()["data"]["access_token"]
    now = datetime.now(UTC)
    items = [
        {
            "id": f"e2e-{day}-{metric_type}",
            "timestamp": (now - timedelta(days=day)).isoformat(),
            "user": email,
            "metric_type": metric_type,
            "value": value,
        }
        for day in range(1, 8)
        for metric_type, value in (("commits", 5 + day), ("prs_merged", 2))
    ]
    response = httpx.post(
        f"{base_url}/api/v1/metrics/productivity",
        json=items,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert response.status_code in (200, 201, 202), response.text


def test_code_scan_shows_a_redacted_secret_then_a_report_is_exported_and_downloaded(
    page, live_server_url, artifacts
):
    email = f"sam-{uuid.uuid4().hex[:8]}@example.com"
    _sign_up(page, email)

    # A code scan of a snippet with an AWS key: progress until done, then the redacted finding.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scans", exact=True).click()
    page.get_by_role("link", name="New scan").first.click()
    page.get_by_label("Code", exact=True).fill(LEAKY)
    page.get_by_label("File name").fill("settings.py")
    _shot(page, artifacts, "10-scanner-new-code-scan")
    page.get_by_role("button", name="Scan code").click()
    page.wait_for_url(re.compile(r"/scanner/scans/[0-9a-f-]{36}$"))
    page.locator("#scan-body[data-scan-status=completed]").wait_for()
    secret = page.get_by_test_id("redacted-secret").first
    assert secret.inner_text().startswith("AKIA********")
    row = page.locator("table.findings tbody tr", has=secret)
    assert "settings.py" in row.inner_text()
    assert re.search(r"\b3\b", row.locator("td.num").inner_text())  # the key's line
    assert row.locator(".severity").inner_text() in ("critical", "high")
    assert int(page.get_by_test_id("risk-score").locator(".score-value").inner_text()) > 0
    assert AWS_KEY_ID not in page.content()
    _shot(page, artifacts, "11-scanner-redacted-secret-finding")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts", exact=True).click()
    assert page.locator("tr[data-alert]").count() >= 1
    _shot(page, artifacts, "12-scanner-alerts-inbox")

    # Productivity: metrics through the API, the trends page, then a CSV export with progress.
    _ingest_metrics(live_server_url, email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trends & teams", exact=True).click()
    page.locator("canvas[data-pchart][data-drawn=true]").first.wait_for()
    assert page.locator('tr[data-metric-type="commits"]').count() == 1
    _shot(page, artifacts, "13-productivity-trends")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports", exact=True).click()
    page.get_by_label("Report", exact=True).select_option("productivity")
    page.get_by_label("Format").select_option("csv")
    page.get_by_label("Period").select_option("30")
    page.get_by_role("button", name="Export", exact=True).click()
    page.wait_for_url(re.compile(r"/productivity/reports/[0-9a-f-]{36}$"))
    link = page.get_by_test_id("report-download")
    link.wait_for()
    _shot(page, artifacts, "14-productivity-report-ready")

    with page.expect_download() as info:
        link.click()
    download = info.value
    content = Path(download.path()).read_bytes()
    checked = page.request.get(link.get_attribute("href"))
    assert checked.status == 200
    assert checked.headers["content-type"] == "text/csv"
    assert int(checked.headers["content-length"]) == len(content) > 0
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert sum(1 for row in rows if "commits" in row) == 7
    assert sum(1 for row in rows if "prs_merged" in row) == 7
    assert page.js_errors == []  # type: ignore[attr-defined]
