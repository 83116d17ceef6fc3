"""PII detection with validators, GDPR / AI Act classification, redaction."""

from scans.engines.pii.recognizers import PiiMatch, analyze, redact_text
from scans.engines.pii.risk import classify, risk_score

__all__ = ["PiiMatch", "analyze", "classify", "redact_text", "risk_score"]
