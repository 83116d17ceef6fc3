"""The browser suite's fixtures: a real daphne server on a free port (its own SQLite database,
migrated first) and headless Chromium (Debian's package) driven by Playwright.

Each test saves screenshots under test-artifacts/e2e/ (git-ignored); the server's log lands there too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
DB_CACHE = ROOT / "var" / "e2e-db"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The server exited ({process.returncode}); see {log}:\n{log.read_text()[-3000:]}"
            )
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"The server did not answer within {timeout}s; see {log}")


def _schema_fingerprint() -> str:
    """Changes whenever a migration (or the data a migration seeds) changes."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/**/migrations/*.py")) + sorted(ROOT.glob("*/data/*.json")):
        if ".venv" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _migrated_database(target: Path, env: dict[str, str]) -> None:
    """A freshly migrated SQLite file at `target`. Migrating from scratch takes minutes, so the
    result is kept under var/e2e-db/ per migration fingerprint and copied for each session."""
    cached = DB_CACHE / f"{_schema_fingerprint()}.sqlite3"
    if not cached.exists():
        DB_CACHE.mkdir(parents=True, exist_ok=True)
        building = cached.with_suffix(f".{os.getpid()}.tmp")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": f"sqlite:///{building}"},
            check=True,
            timeout=1800,
        )
        building.replace(cached)
    shutil.copyfile(cached, target)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def live_server_url(tmp_path_factory, artifacts) -> str:
    """daphne serving config.asgi on its own migrated database, in the embedded default topology
    (in-process Celery tasks, in-memory channel layer), as `make run` does."""
    workdir = tmp_path_factory.mktemp("e2e-server")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}",
        "SECRET_KEY": "e2e-" + os.urandom(24).hex(),
        # DEBUG lets WhiteNoise serve static files from the apps without a collectstatic into the
        # shared var/static; everything else behaves as in production.
        "DEBUG": "true",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    _migrated_database(workdir / "e2e.sqlite3", env)
    log = artifacts / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and daphne, fixed arguments
            [
                str(Path(python).parent / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "config.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/health", server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: `make test-e2e` installs Debian's chromium package."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, live_server_url):
    context = browser.new_context(base_url=live_server_url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)  # a loaded CI machine is slow; failures still surface
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.js_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()
