"""The secrets engine on realistic code: providers it must find, look-alikes it must not."""

import pytest

from scans.engines.secrets import scan_text
from tests.scans.conftest import AWS_KEY_ID, DB_PASSWORD, GITHUB_TOKEN, GOOGLE_KEY, SLACK_TOKEN, STRIPE_LIVE


def rules(text: str) -> list[str]:
    return [finding.rule_id for finding in scan_text(text, "settings.py")]


@pytest.mark.parametrize(
    ("snippet", "rule"),
    [
        (f'AWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"', "aws-access-key-id"),
        (f"token: {GITHUB_TOKEN}", "github-token"),
        (f"stripe.api_key = '{STRIPE_LIVE}'", "stripe-live-key"),
        (f"SLACK_BOT_TOKEN={SLACK_TOKEN}", "slack-token"),
        (f'const key = "{GOOGLE_KEY}";', "google-api-key"),
        ("npm_token = npm_" + "a8Kd93JfLq02mZx7Vb4Nc6Ty1Hs5Pw8Qe3Ru", "npm-token"),
        (
            "SENDGRID=SG." + "kJ8dL2mQ9vX4pR7tW1yZ3b" + "." + "aB5cD7eF9gH1iJ3kL5mN7oP9qR1sT3uV5wX7yZ9aB1c",
            "sendgrid-api-key",
        ),
        ('GITLAB = "glpat-' + 'x7Kq2Lm9Vz4Rt8Wp3Nc6"', "gitlab-token"),
        (f'DATABASE_URL = "postgres://app:{DB_PASSWORD}@db.internal:5432/app"', "connection-string-password"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq9Xh2kLm4Vt8Rw1Yz3Qp6Nc5Jf0Hd2Sg7Ka9Lb4Mc8\n",
            "private-key",
        ),
        ('ANTHROPIC_API_KEY="sk-ant-api03-' + "Zq8" * 31 + 'Xy"', "anthropic-api-key"),
        ('client_secret = "Xk29fLq8Vz1mRt7WpN3c"', "password-assignment"),
    ],
)
def test_finds_each_provider_format(snippet, rule):
    assert rule in rules(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"',  # AWS's documentation example
        'password = os.environ["DB_PASSWORD"]',
        'password = "changeme"',
        'PASSWORD_FIELD = "password"',
        "DATABASE_URL = 'postgres://user:${DB_PASSWORD}@db/app'",
        'api_key = get_secret("stripe")',
        'secret_key = "xxxxxxxxxxxxxxxx"',
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        'stripe_key = "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"',
        "sha = 'd3b07384d113edec49eaa6238ad5ff00'",  # a hash, not a credential
        'token = "eyJhbGciOiJub25lIn0.notajwt.signature"',
        "url = 'https://example.com/path?page=2'",
    ],
)
def test_safe_look_alikes_do_not_fire(snippet):
    assert rules(snippet) == []


def test_reports_line_numbers_and_one_finding_per_value():
    text = f"import os\n\nKEY = '{STRIPE_LIVE}'\nsecret_key = '{STRIPE_LIVE}'\n"
    findings = scan_text(text, "app.py")
    assert [(finding.rule_id, finding.line_number) for finding in findings] == [
        ("stripe-live-key", 3),
        ("stripe-live-key", 4),
    ]
    assert all(finding.file_path == "app.py" for finding in findings)


def test_jwt_needs_a_decodable_header():
    header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    token = (
        f"{header}.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    )
    assert rules(f'AUTH = "Bearer {token}"') == ["jwt"]
