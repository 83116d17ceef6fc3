"""PII recognizers with their validators, the GDPR / AI Act mapping, redaction."""

import pytest

from scans.engines.pii import analyze, classify, redact_text, risk_score


def found(text: str) -> list[tuple[str, str]]:
    return [(match.pii_type, match.value) for match in analyze(text)]


def test_valid_card_numbers_found_invalid_ones_not():
    text = "Visa 4111 1111 1111 1111, Mastercard 5555-5555-5555-4444, typo 4111 1111 1111 1112, order 1234567890123"
    cards = [value for kind, value in found(text) if kind == "credit_card"]
    assert cards == ["4111 1111 1111 1111", "5555-5555-5555-4444"]


def test_iban_checksum():
    assert ("iban", "DE89 3704 0044 0532 0130 00") in found("Pay to DE89 3704 0044 0532 0130 00 today")
    assert not [kind for kind, _ in found("Pay to DE89 3704 0044 0532 0130 01 today") if kind == "iban"]


@pytest.mark.parametrize(
    ("ssn", "valid"),
    [
        ("536-22-1098", True),
        ("000-12-3456", False),
        ("666-12-3456", False),
        ("912-12-3456", False),
        ("536-00-1098", False),
        ("536-22-0000", False),
    ],
)
def test_ssn_validity_rules(ssn, valid):
    assert (("us_ssn", ssn) in found(f"SSN: {ssn}")) is valid


def test_the_other_types():
    text = (
        "Contact jane.roe@example.org or +44 20 7946 0958 from 203.0.113.7. Date of birth: 14/03/1985. "
        "Passport number: X1234567. Mr. John Smith lives at 221 Baker Street. She was diagnosed with diabetes."
    )
    kinds = {kind for kind, _ in found(text)}
    assert {
        "email",
        "phone_number",
        "ip_address",
        "date_of_birth",
        "passport_number",
        "person_name",
        "address",
        "health_data",
    } <= kinds


def test_dates_without_birth_context_are_not_dates_of_birth():
    assert not [kind for kind, _ in found("The invoice of 14/03/1985 was paid.") if kind == "date_of_birth"]


def test_special_categories_rank_highest():
    assert classify("health_data")["gdpr_risk"] == "critical"
    assert classify("credit_card")["gdpr_risk"] == "high"
    assert classify("ip_address")["gdpr_risk"] == "low"
    assert risk_score({"health_data": 1}) > risk_score({"credit_card": 1}) > risk_score({"email": 1})


def test_redaction_replaces_every_value():
    text = "Mail jane.roe@example.org, card 4111 1111 1111 1111."
    redacted = redact_text(text, analyze(text))
    assert redacted == "Mail <EMAIL>, card <CREDIT_CARD>."
