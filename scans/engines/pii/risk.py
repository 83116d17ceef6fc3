"""How each PII type is classified and how it weighs under the GDPR and the EU AI Act.

| pii_type | classification | gdpr_risk | ai_act_risk | why |
|---|---|---|---|---|
| health_data, special_category | special_category | critical | high | GDPR Art. 9 special categories: processing is prohibited unless an Art. 9(2) exception applies; AI Act Annex III lists systems using them (biometrics, access to essential services) as high-risk |
| us_ssn, national_id, passport_number | government_id | high | high | national identifiers (GDPR Art. 87) enable identity theft; identity verification by AI is Annex III high-risk |
| credit_card, iban | financial | high | high | financial data: fraud risk, PCI DSS; creditworthiness scoring is Annex III high-risk |
| date_of_birth | sensitive | medium | medium | quasi-identifier; with a name it identifies a person, and reveals age (a protected attribute) |
| person_name, address, email, phone_number | personal | medium | limited | direct identifiers (GDPR Art. 4(1)); transparency duties under AI Act Art. 50 |
| ip_address | personal | low | minimal | an online identifier (GDPR Recital 30) |

The scan's ai_risk_score takes the highest-weighted type found and adds for volume and variety.
"""

from __future__ import annotations

RISK_ORDER = {"minimal": 0, "low": 1, "limited": 1, "medium": 2, "high": 3, "critical": 4}

MAPPING: dict[str, tuple[str, str, str]] = {
    "health_data": ("special_category", "critical", "high"),
    "special_category": ("special_category", "critical", "high"),
    "us_ssn": ("government_id", "high", "high"),
    "national_id": ("government_id", "high", "high"),
    "passport_number": ("government_id", "high", "high"),
    "credit_card": ("financial", "high", "high"),
    "iban": ("financial", "high", "high"),
    "date_of_birth": ("sensitive", "medium", "medium"),
    "person_name": ("personal", "medium", "limited"),
    "address": ("personal", "medium", "limited"),
    "email": ("personal", "medium", "limited"),
    "phone_number": ("personal", "medium", "limited"),
    "ip_address": ("personal", "low", "minimal"),
}
BASE_SCORE = {"critical": 80, "high": 60, "medium": 35, "low": 15}


def classify(pii_type: str) -> dict[str, str]:
    classification, gdpr, ai_act = MAPPING.get(pii_type, ("personal", "medium", "limited"))
    return {"classification": classification, "gdpr_risk": gdpr, "ai_act_risk": ai_act}


def risk_score(counts: dict[str, int]) -> int:
    """0-100 from the worst GDPR risk present, plus volume (log-ish) and variety."""
    if not counts:
        return 0
    worst = max((classify(pii_type)["gdpr_risk"] for pii_type in counts), key=RISK_ORDER.__getitem__)
    total = sum(counts.values())
    volume = 5 if total >= 3 else 0
    volume += 5 if total >= 20 else 0
    variety = min(10, 2 * (len(counts) - 1))
    return min(100, BASE_SCORE[worst] + volume + variety)
