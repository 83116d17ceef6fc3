"""Hardcoded-secret detection: provider formats, keyword-and-entropy heuristics, format checks."""

from scans.engines.secrets.scanner import scan_text

__all__ = ["scan_text"]
