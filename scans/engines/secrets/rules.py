"""Known credential formats: provider prefixes and structures, each behind a cheap keyword prefilter.

A rule runs its regex only when one of its keywords occurs in the text (a substring search, much
faster than any regex), so a large repository in which most files mention no credential is
scanned at the speed of `str.__contains__`. Each rule may add a validator that cuts false positives
(placeholders, documentation examples, low entropy, malformed structure).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

PLACEHOLDER = re.compile(
    r"(?i)^(?:x+|\*+|\.+|-+|_+|0+|1234.*|abc.*|test.*|dummy.*|fake.*|sample.*|example.*|changeme|"
    r"change_me|password|passw0rd|pass|secret|your[_-]?.*|my[_-]?.*|<.*>|\{.*\}|\$\{.*|\$[a-z_]+.*|%\(.*|"
    r"%s|null|none|true|false|redacted|placeholder|todo|tbd|replace.*|insert.*|enter.*|xxx.*|.*xxxx.*|"
    r".*example.*|.*placeholder.*)$"
)


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    length = len(value)
    return -sum(count / length * math.log2(count / length) for count in counts.values())


def _not_placeholder(value: str) -> bool:
    return not PLACEHOLDER.match(value) and len(set(value)) > 3


def _entropy_at_least(threshold: float) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        return _not_placeholder(value) and shannon_entropy(value) >= threshold

    return check


def _aws_key_id(value: str) -> bool:
    return not value.endswith("EXAMPLE") and len(set(value[4:])) > 4


def _jwt(value: str) -> bool:
    header = value.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
        return "alg" in json.loads(decoded)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False


def _private_key(value: str) -> bool:
    # The header alone is documentation; a key has a base64 body after it.
    body = re.sub(r"^[A-Za-z-]+:.*$", "", value, flags=re.MULTILINE)
    return len(re.findall(r"[A-Za-z0-9+/=]", body)) >= 40


def _password_value(value: str) -> bool:
    if not _not_placeholder(value) or len(value) < 8:
        return False
    # References, calls and paths are not secrets: os.environ["X"], get_secret(), /etc/secret, a.b.c
    if re.search(r"[()\[\]]|^/|^\w+\.\w+\.\w+$|^[A-Z_]+$", value):
        return False
    if " " in value:
        return False
    return shannon_entropy(value) >= 2.8


@dataclass(frozen=True)
class SecretRule:
    rule_id: str
    finding_type: str
    severity: str
    title: str
    pattern: re.Pattern[str]
    keywords: tuple[str, ...]
    # Keywords and pattern apply to the original text, or with this set to the lower-cased text (the
    # pattern is then written in lower case: much faster than re.IGNORECASE); the value is always
    # taken from the original text.
    keywords_ignore_case: bool = False
    group: int = 0
    validator: Callable[[str], bool] | None = None
    remediation: str = (
        "Revoke and rotate this credential now, remove it from the code and its history, and load it "
        "from a secret manager or an environment variable."
    )


def _rule(rule_id, finding_type, severity, title, pattern, keywords, **kwargs) -> SecretRule:
    return SecretRule(rule_id, finding_type, severity, title, re.compile(pattern), tuple(keywords), **kwargs)


RULES: tuple[SecretRule, ...] = (
    _rule(
        "aws-access-key-id",
        "hardcoded_api_key",
        "critical",
        "AWS access key ID",
        r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        ["AKIA", "ASIA", "ABIA", "ACCA"],
        group=1,
        validator=_aws_key_id,
    ),
    _rule(
        "aws-secret-access-key",
        "hardcoded_api_key",
        "critical",
        "AWS secret access key",
        r"aws.{0,24}?(?:secret|private)?.{0,16}?(?:key|token).{0,6}?[\"'`=:\s]{1,4}([a-z0-9/+]{40})(?![a-z0-9/+])",
        ["aws"],
        keywords_ignore_case=True,
        group=1,
        validator=_entropy_at_least(4.0),
    ),
    _rule(
        "github-token",
        "hardcoded_token",
        "critical",
        "GitHub token",
        r"\b(gh[pousr]_[A-Za-z0-9]{36,251})\b",
        ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        group=1,
        validator=_entropy_at_least(3.5),
    ),
    _rule(
        "github-fine-grained-pat",
        "hardcoded_token",
        "critical",
        "GitHub fine-grained personal access token",
        r"\b(github_pat_[A-Za-z0-9_]{82})\b",
        ["github_pat_"],
        group=1,
    ),
    _rule(
        "gitlab-token",
        "hardcoded_token",
        "critical",
        "GitLab token",
        r"\b(gl(?:pat|dt|ptt|rt|oas)-[A-Za-z0-9_\-]{20,50})(?![A-Za-z0-9_\-])",
        ["glpat-", "gldt-", "glptt-", "glrt-", "gloas-"],
        group=1,
        validator=_entropy_at_least(3.0),
    ),
    _rule(
        "slack-token",
        "hardcoded_token",
        "high",
        "Slack token",
        r"\b(xox[baprse]-(?:[0-9]{8,13}-){1,2}[A-Za-z0-9-]{8,64})\b",
        ["xox"],
        group=1,
    ),
    _rule(
        "slack-webhook",
        "hardcoded_webhook",
        "high",
        "Slack incoming webhook URL",
        r"(https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,12}/[A-Za-z0-9]{20,32})",
        ["hooks.slack.com"],
        group=1,
    ),
    _rule(
        "stripe-live-key",
        "hardcoded_api_key",
        "critical",
        "Stripe live secret key",
        r"\b((?:sk|rk)_live_[0-9a-zA-Z]{24,99})\b",
        ["_live_"],
        group=1,
        validator=_entropy_at_least(3.5),
    ),
    _rule(
        "stripe-test-key",
        "hardcoded_api_key",
        "medium",
        "Stripe test secret key",
        r"\b((?:sk|rk)_test_[0-9a-zA-Z]{24,99})\b",
        ["_test_"],
        group=1,
        validator=_entropy_at_least(3.5),
    ),
    _rule(
        "google-api-key",
        "hardcoded_api_key",
        "high",
        "Google API key",
        r"\b(AIza[0-9A-Za-z_\-]{35})(?![0-9A-Za-z_\-])",
        ["AIza"],
        group=1,
        validator=_entropy_at_least(3.5),
    ),
    _rule(
        "google-oauth-client-secret",
        "hardcoded_api_key",
        "high",
        "Google OAuth client secret",
        r"\b(GOCSPX-[A-Za-z0-9_\-]{28})(?![A-Za-z0-9_\-])",
        ["GOCSPX-"],
        group=1,
    ),
    _rule(
        "gcp-service-account-key",
        "hardcoded_private_key",
        "critical",
        "Google Cloud service account key file",
        r"\"type\"\s*:\s*\"service_account\"[\s\S]{0,800}?\"private_key\"\s*:\s*\"(-----BEGIN[^\"]{40,})\"",
        ["service_account"],
        group=1,
    ),
    _rule(
        "azure-storage-key",
        "hardcoded_api_key",
        "critical",
        "Azure storage account key",
        r"accountkey=([a-z0-9+/]{86}==)",
        ["accountkey="],
        keywords_ignore_case=True,
        group=1,
    ),
    _rule(
        "azure-client-secret",
        "hardcoded_api_key",
        "high",
        "Azure AD client secret",
        r"(?<![A-Za-z0-9_~.\-])([A-Za-z0-9_~.\-]{3}\d[Q8]~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])",
        ["Q~", "8~"],
        group=1,
        validator=_entropy_at_least(3.5),
    ),
    _rule(
        "twilio-api-key",
        "hardcoded_api_key",
        "high",
        "Twilio API key",
        r"\b(SK[0-9a-f]{32})\b",
        ["SK"],
        group=1,
        validator=_entropy_at_least(3.0),
    ),
    _rule(
        "sendgrid-api-key",
        "hardcoded_api_key",
        "high",
        "SendGrid API key",
        r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?![A-Za-z0-9_\-])",
        ["SG."],
        group=1,
    ),
    _rule(
        "npm-token",
        "hardcoded_token",
        "high",
        "npm access token",
        r"\b(npm_[A-Za-z0-9]{36})\b",
        ["npm_"],
        group=1,
        validator=_entropy_at_least(3.5),
    ),
    _rule(
        "pypi-token",
        "hardcoded_token",
        "high",
        "PyPI upload token",
        r"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,})",
        ["pypi-AgEIcHlwaS5vcmc"],
        group=1,
    ),
    _rule(
        "anthropic-api-key",
        "hardcoded_api_key",
        "critical",
        "Anthropic API key",
        r"\b(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{80,120})(?![A-Za-z0-9_\-])",
        ["sk-ant-"],
        group=1,
    ),
    _rule(
        "openai-api-key",
        "hardcoded_api_key",
        "critical",
        "OpenAI API key",
        r"\b(sk-(?:proj-|svcacct-|admin-)?(?:[A-Za-z0-9_\-]{20,80}T3BlbkFJ[A-Za-z0-9_\-]{20,80}|[A-Za-z0-9_\-]{48,164}))(?![A-Za-z0-9_\-])",
        ["sk-"],
        group=1,
        validator=lambda value: not value.startswith("sk-ant-") and _entropy_at_least(4.0)(value),
    ),
    _rule(
        "private-key",
        "hardcoded_private_key",
        "critical",
        "Private key",
        r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,200})",
        ["PRIVATE KEY"],
        group=1,
        validator=_private_key,
    ),
    _rule(
        "jwt",
        "hardcoded_token",
        "medium",
        "JSON Web Token",
        r"\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,})(?![A-Za-z0-9_\-])",
        ["eyJ"],
        group=1,
        validator=_jwt,
    ),
    _rule(
        "connection-string-password",
        "hardcoded_password",
        "critical",
        "Database or broker connection string with a password",
        r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|jdbc:[a-z]+)://[^:\s/@'\"`]{1,64}:([^@\s'\"`/]{3,128})@[^\s'\"`]+",
        ["://"],
        keywords_ignore_case=True,
        group=1,
        validator=_not_placeholder,
    ),
    _rule(
        "url-password",
        "hardcoded_password",
        "high",
        "URL with an embedded password",
        r"\b(?:https?|ftps?|sftp|ssh|smtps?|ldaps?)://[^:\s/@'\"`]{1,64}:([^@\s'\"`/]{3,128})@[a-z0-9.\-]+",
        ["://"],
        keywords_ignore_case=True,
        group=1,
        validator=_not_placeholder,
    ),
    _rule(
        "password-assignment",
        "hardcoded_password",
        "high",
        "Password or secret assigned in code",
        r"(?:pass(?:word|wd)?|pwd|secret|api_?key|apikey|access_?token|auth_?token|credentials?)[a-z0-9_]{0,30}[\"']?[ \t]*(?:=|:=|:|=>|<-)[ \t]*[rbuf]?([\"'`])([^\"'`\s\\]{8,200})\1",
        ["pass", "pwd", "secret", "key", "token", "credential"],
        keywords_ignore_case=True,
        group=2,
        validator=_password_value,
        remediation=(
            "Remove the literal, rotate the credential, and read it from a secret manager or an "
            "environment variable at run time."
        ),
    ),
)
