"""Scan engines: pure functions from text (or files) to findings, no database.

Every engine returns `EngineFinding`s carrying the matched value only so that the service can
hash and redact it; the value is never stored or returned.
"""

from scans.engines.base import EngineFinding, redact

__all__ = ["EngineFinding", "redact"]
