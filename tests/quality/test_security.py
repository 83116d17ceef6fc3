"""Security baseline: production settings pass `check --deploy`, and every response is hardened."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` in a fresh process, with the environment production sets."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PALISADE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "palisade.example.com",
        "AI_CREDENTIALS_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": "sqlite:///:memory:",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "security." not in result.stdout + result.stderr


def test_the_deploy_check_refuses_production_without_hsts():
    """The check reads the production settings: switching HSTS off there is reported."""
    result = deploy_check(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


@pytest.mark.parametrize("path", ["/", "/api/docs/", "/api/v1/auth/status", "/api/v1/no-such-endpoint"])
def test_every_response_carries_the_security_headers(client, db, path):
    response = client.get(path)

    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline or eval'd scripts
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_swagger_ui_runs_under_the_policy(client):
    """No inline script on the docs page (the policy would block it): its init script is a file."""
    html = client.get("/api/docs/").content.decode()
    assert "<script>" not in html

    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
