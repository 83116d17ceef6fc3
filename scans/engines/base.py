"""What every engine returns, and how a matched value is shown without revealing it."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass
class EngineFinding:
    rule_id: str
    finding_type: str
    severity: str
    description: str
    remediation: str
    file_path: str = ""
    line_number: int | None = None
    # The matched secret / PII / code line: hashed and redacted by the service, never persisted.
    value: str = field(default="", repr=False)
    # Fingerprint material that survives line moves (the rule and the value, or the code line).
    identity: str = field(default="", repr=False)
    extra: dict = field(default_factory=dict)


def redact(value: str, *, keep: int = 4) -> str:
    """A preview a person recognises a value by: its first few characters and its length."""
    value = value.strip()
    if len(value) <= keep * 2:
        return "*" * max(4, len(value))
    return f"{value[:keep]}{'*' * 8} ({len(value)} chars)"


class LineIndex:
    """Line numbers of offsets in one text, computed once per text."""

    def __init__(self, text: str):
        self._starts: list[int] | None = None
        self._text = text

    def line_of(self, offset: int) -> int:
        if self._starts is None:
            starts = [0]
            find = self._text.find
            position = find("\n")
            while position != -1:
                starts.append(position + 1)
                position = find("\n", position + 1)
            self._starts = starts
        return bisect.bisect_right(self._starts, offset)

    def line_text(self, offset: int) -> str:
        start = self._text.rfind("\n", 0, offset) + 1
        end = self._text.find("\n", offset)
        return self._text[start : end if end != -1 else len(self._text)]
