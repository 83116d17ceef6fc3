"""Word matching for the local assistant: the same tokens for prompts, templates and NIST text."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "create",
        "creating",
        "could",
        "for",
        "from",
        "give",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "make",
        "me",
        "metric",
        "metrics",
        "my",
        "need",
        "of",
        "on",
        "or",
        "our",
        "please",
        "rate",
        "should",
        "suggest",
        "that",
        "the",
        "their",
        "this",
        "to",
        "track",
        "tracking",
        "want",
        "we",
        "what",
        "which",
        "with",
        "would",
        "you",
        "your",
        "new",
        "measure",
        "measuring",
        "kpi",
        "kpis",
        "percentage",
        "percent",
        "number",
        "count",
        "help",
        "idea",
    ]
)
_SYNONYMS = {
    "patching": "patch",
    "patches": "patch",
    "vulns": "vulnerability",
    "vulnerabilities": "vulnerability",
    "mfa": "mfa",
    "2fa": "mfa",
    "multifactor": "mfa",
    "phish": "phishing",
    "backups": "backup",
    "restore": "backup",
    "logs": "log",
    "logging": "log",
    "siem": "log",
    "incidents": "incident",
    "suppliers": "supplier",
    "vendors": "supplier",
    "vendor": "supplier",
    "third": "supplier",
    "models": "model",
    "llm": "model",
    "ai": "ai",
    "bias": "fairness",
    "redteam": "adversarial",
    "injection": "adversarial",
    "encryption": "encrypted",
    "encrypt": "encrypted",
    "training": "training",
    "awareness": "training",
}


def tokens(text: str) -> list[str]:
    words = []
    for word in _WORD.findall((text or "").lower()):
        word = _SYNONYMS.get(word, word)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word not in STOPWORDS and len(word) > 1:
            words.append(word)
    return words


def overlap(query: list[str], text: str) -> set[str]:
    return set(query) & set(tokens(text))


def title_case(text: str) -> str:
    small = {"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with"}
    words = text.split()
    return " ".join(
        w
        if (w.isupper() and len(w) > 1)
        else (w.lower() if i and w.lower() in small else w[:1].upper() + w[1:])
        for i, w in enumerate(words)
    )
