import time

from realtime.signing import body_signature, signature_header, signed_body, verify_signature_header

SECRET = "whsec_unit-test-secret"


def test_header_signs_timestamp_and_exact_body():
    raw = signed_body(SECRET, {"event": "threat_detected", "data": {"threat_id": "T-1"}})
    header = signature_header(SECRET, raw, timestamp=1_700_000_000)

    ts, v1 = header.split(",")
    assert ts == "t=1700000000"
    assert v1.startswith("v1=")
    assert len(v1) == 3 + 64


def test_receiver_side_verification_accepts_fresh_and_rejects_stale_or_tampered():
    raw = signed_body(SECRET, {"event": "x", "data": {}})
    fresh = signature_header(SECRET, raw)
    stale = signature_header(SECRET, raw, timestamp=int(time.time()) - 3600)

    assert verify_signature_header(SECRET, raw, fresh)
    assert not verify_signature_header(SECRET, raw, stale)
    assert not verify_signature_header(SECRET, raw + b" ", fresh)
    assert not verify_signature_header(SECRET, raw, "garbage")


def test_body_signature_covers_the_body_without_itself():
    body = {"event": "alert.triggered", "organization_id": "o", "data": {"é": 1}}
    sent = signed_body(SECRET, body)

    import json

    decoded = json.loads(sent)
    assert decoded["signature"] == body_signature(SECRET, body)
    assert body_signature(SECRET, decoded) == decoded["signature"]  # the signature key itself is ignored
    assert body_signature(SECRET, {**body, "event": "other"}) != decoded["signature"]
