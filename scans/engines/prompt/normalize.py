"""Undo the disguises attacks wear before scoring: Unicode tricks, encodings, hidden segments."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from urllib.parse import unquote

ZERO_WIDTH = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f"), None
)
# Letters of other scripts that render like Latin ones (NFKC leaves them alone).
HOMOGLYPHS = str.maketrans(
    # Cyrillic, Greek and IPA letters, in the order of their Latin look-alikes below.
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u04bb\u04cf\u051b\u051d\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425"
    "\u0423\u03b1\u03bf\u03c1\u03bd\u03b9\u03ba\u03c4\u03c5\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7\u0261\u0251\u0131",
    "aeopcyxijsdhlqwABEKMHOPCTXYaopviktuABEZHIKMNOPTYXgai",
)
BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
HEX_RUN = re.compile(r"\b(?:[0-9a-fA-F]{2}){12,}\b")
URL_ENCODED = re.compile(r"(?:%[0-9a-fA-F]{2}){4,}")
ROT13_MARKER = re.compile(r"(?i)\brot-?13\b")
SEGMENT_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def normalize(text: str) -> tuple[str, list[str]]:
    """The text as a reader sees it, and the tricks that were undone (signals)."""
    signals = []
    stripped = text.translate(ZERO_WIDTH)
    if stripped != text:
        signals.append("zero_width_characters")
    folded = unicodedata.normalize("NFKC", stripped)
    mapped = folded.translate(HOMOGLYPHS)
    if mapped != folded:
        signals.append("homoglyphs")
    return mapped, signals


def _printable_ratio(value: str) -> float:
    return sum(ch.isprintable() or ch in "\n\t" for ch in value) / max(1, len(value))


def decode_wrappers(text: str) -> list[tuple[str, str]]:
    """Hidden payloads: (encoding, decoded text) for base64, hex, URL-encoding and rot13 wrappers."""
    decoded = []
    for match in BASE64_RUN.finditer(text):
        chunk = match.group(0)
        try:
            value = base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if len(value) >= 8 and _printable_ratio(value) > 0.95 and " " in value:
            decoded.append(("base64", value))
    for match in HEX_RUN.finditer(text):
        try:
            value = bytes.fromhex(match.group(0)).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        if _printable_ratio(value) > 0.95 and " " in value:
            decoded.append(("hex", value))
    for match in URL_ENCODED.finditer(text):
        value = unquote(match.group(0))
        if value != match.group(0) and _printable_ratio(value) > 0.95:
            decoded.append(("url_encoding", value))
    if ROT13_MARKER.search(text):
        decoded.append(("rot13", codecs.decode(text, "rot13")))
    return decoded


def segments(text: str) -> list[str]:
    """Sentences and lines: an attack hidden in a long benign text is scored on its own."""
    return [part.strip() for part in SEGMENT_SPLIT.split(text) if len(part.strip()) >= 3]
