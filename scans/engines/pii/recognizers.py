"""PII recognizers of Presidio's design (pattern + validator + context words), offline and fast.

Presidio's own analyzer needs a spaCy language model for names and addresses, and none may be
downloaded here; its pattern recognizers work without one but run every regex over every text.
These recognizers keep its design (a candidate regex, a checksum or validity rule, optional
context words that must appear nearby) behind a keyword/character prefilter.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class PiiMatch:
    pii_type: str
    start: int
    end: int
    value: str
    score: float


def luhn_valid(number: str) -> bool:
    digits = [int(ch) for ch in number if ch.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


CARD_PREFIXES = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3(?:0[0-5]|[68])|6(?:011|5|4[4-9]|22)|35|62|81)")


def credit_card_valid(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return bool(CARD_PREFIXES.match(digits)) and luhn_valid(digits) and len(set(digits)) > 1


IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip


def iban_valid(value: str) -> bool:
    compact = re.sub(r"\s", "", value).upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def ssn_valid(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        return False
    return len(set(digits)) > 1


def ip_valid(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return not (address.is_unspecified or (address.version == 4 and value.startswith("0.")))


def phone_valid(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return 10 <= len(digits) <= 15 and len(set(digits)) > 2


def dob_valid(value: str) -> bool:
    numbers = [int(part) for part in re.findall(r"\d+", value)]
    years = [number for number in numbers if 1900 <= number <= datetime.now(UTC).year]
    return bool(years)


@dataclass(frozen=True)
class Recognizer:
    pii_type: str
    pattern: re.Pattern[str]
    # Any of these must occur in the text (lower-cased) for the regex to run; empty: always run.
    prefilter: tuple[str, ...] = ()
    validator: Callable[[str], bool] | None = None
    # Words of which one must appear within `context_window` characters before the match.
    context: tuple[str, ...] = ()
    context_window: int = 40
    group: int = 0
    score: float = 0.85


def _r(pii_type, pattern, **kwargs) -> Recognizer:
    flags = kwargs.pop("flags", 0)
    return Recognizer(pii_type, re.compile(pattern, flags), **kwargs)


_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}})"
_STREET = r"(?i:street|st\.|avenue|ave\.?|road|rd\.|boulevard|blvd\.?|lane|ln\.|drive|dr\.|court|ct\.|place|pl\.|way|terrace|strasse|straße|weg|gasse|rue|via|calle)"

RECOGNIZERS: tuple[Recognizer, ...] = (
    _r("email", r"\b[A-Za-z0-9._%+\-]{1,64}@(?:[A-Za-z0-9\-]{1,63}\.)+[A-Za-z]{2,24}\b", prefilter=("@",), score=1.0),
    _r(
        "credit_card",
        r"(?<![\d-])(?:\d[ \-]?){12,18}\d(?![\d-])",
        validator=credit_card_valid,
        score=1.0,
    ),
    _r(
        "iban",
        r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
        validator=iban_valid,
        score=1.0,
    ),
    _r("us_ssn", r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])", prefilter=("-",), validator=ssn_valid, score=0.85),
    _r(
        "us_ssn",
        r"(?<!\d)\d{9}(?!\d)",
        validator=ssn_valid,
        context=("ssn", "social security", "social sec"),
        score=0.7,
    ),
    _r(
        "phone_number",
        r"(?<![\w+])(?:\+\d{1,3}[\s.\-]?(?:\(\d{1,4}\)[\s.\-]?)?\d{1,4}(?:[\s.\-]?\d{2,4}){2,4}|\(\d{3}\)\s?\d{3}[\s.\-]\d{4}|\d{3}[.\-]\d{3}[.\-]\d{4}|0\d{2,4}[\s/\-]\d{3,4}[\s\-]?\d{2,5})(?![\w-])",
        validator=phone_valid,
        score=0.6,
    ),
    _r("ip_address", r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)", prefilter=(".",), validator=ip_valid, score=0.9),
    _r(
        "ip_address",
        r"(?<![:\w])(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}(?:%\w+)?(?![:\w])|::1\b",
        prefilter=(":",),
        validator=ip_valid,
        score=0.8,
    ),
    _r(
        "date_of_birth",
        _DATE,
        flags=re.IGNORECASE,
        validator=dob_valid,
        context=("birth", "dob", "d.o.b", "born", "geboren", "né le", "née le", "fecha de nacimiento", "birthday"),
        context_window=30,
        score=0.85,
    ),
    _r(
        "passport_number",
        r"\b[A-Z0-9]{1,2}\d{6,8}\b",
        context=("passport", "reisepass", "passeport", "pasaporte"),
        score=0.75,
    ),
    _r(
        "national_id",
        r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
        score=0.8,
    ),
    _r(
        "national_id",
        r"\b[A-Z0-9]{6,12}\b",
        context=("national id", "national identity", "id number", "id no", "identity card", "personalausweis", "dni", "nif", "codice fiscale", "aadhaar", "personnummer", "bsn"),
        validator=lambda value: any(ch.isdigit() for ch in value),
        score=0.7,
    ),
    _r(
        "person_name",
        r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Herr|Frau|Mme|Sr|Sra)\.?\s+([A-Z][a-z]+(?:[\s-][A-Z][a-z]+){0,2})\b|(?i:\b(?:name|full name|customer|patient|employee|contact)\s*[:=]\s*)([A-Z][a-z]+(?:\s[A-Z][a-z]+){1,2})\b",
        score=0.6,
    ),
    _r(
        "address",
        rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][a-z]+\s){{0,3}}[A-Z][a-z]+\s{_STREET}(?=[\s,.]|$)(?:,?\s+(?:apt|suite|unit)\.?\s*\w+)?|\b[A-Z][a-zäöüß]+(?:strasse|straße|weg|gasse|platz)\s+\d{{1,4}}[a-z]?\b",
        flags=0,
        score=0.6,
    ),
    # GDPR Art. 9 special categories, recognised by their vocabulary next to a person's data.
    _r(
        "health_data",
        r"\b(?:diagnos(?:is|ed)\s+with|HIV(?:\s+positive)?|cancer|diabetes|depression|pregnan(?:t|cy)|medical\s+condition|prescribed|chemotherapy|schizophrenia|bipolar|disabilit(?:y|ies))\b",
        flags=re.IGNORECASE,
        score=0.5,
    ),
    _r(
        "special_category",
        r"\b(?:religion|religious\s+belief|sexual\s+orientation|ethnic(?:ity|\s+origin)|racial\s+origin|political\s+(?:opinion|party|affiliation)|trade\s+union|biometric|genetic\s+data|fingerprint\s+template)\b",
        flags=re.IGNORECASE,
        score=0.5,
    ),
)  # fmt: skip


def _context_ok(recognizer: Recognizer, lowered: str, start: int) -> bool:
    if not recognizer.context:
        return True
    window = lowered[max(0, start - recognizer.context_window) : start]
    return any(word in window for word in recognizer.context)


def analyze(text: str, *, types: set[str] | None = None) -> list[PiiMatch]:
    """Every PII occurrence in `text`, overlaps resolved in favour of the higher score."""
    lowered = text.lower()
    candidates: list[PiiMatch] = []
    for recognizer in RECOGNIZERS:
        if types is not None and recognizer.pii_type not in types:
            continue
        if recognizer.prefilter and not any(word in lowered for word in recognizer.prefilter):
            continue
        if recognizer.context and not any(word in lowered for word in recognizer.context):
            continue
        for match in recognizer.pattern.finditer(text):
            group = next((index for index in range(1, (match.lastindex or 0) + 1) if match.group(index)), 0)
            start, end = match.span(group)
            value = match.group(group)
            if recognizer.validator is not None and not recognizer.validator(value):
                continue
            if not _context_ok(recognizer, lowered, match.start()):
                continue
            candidates.append(PiiMatch(recognizer.pii_type, start, end, value, recognizer.score))
    # Overlaps: the higher score wins, then the longer match (one pass over matches sorted by start).
    candidates.sort(key=lambda item: (item.start, -item.score, item.start - item.end))
    chosen: list[PiiMatch] = []
    for candidate in candidates:
        if chosen and candidate.start < chosen[-1].end:
            last = chosen[-1]
            if (candidate.score, candidate.end - candidate.start) > (last.score, last.end - last.start):
                chosen[-1] = candidate
            continue
        chosen.append(candidate)
    return chosen


def redact_text(text: str, matches: list[PiiMatch]) -> str:
    """`text` with each match replaced by <TYPE>."""
    pieces = []
    position = 0
    for match in sorted(matches, key=lambda item: item.start):
        pieces.append(text[position : match.start])
        pieces.append(f"<{match.pii_type.upper()}>")
        position = match.end
    pieces.append(text[position:])
    return "".join(pieces)
