"""Prompt-injection detection: normalisation, known-attack patterns, a trained classifier."""

from scans.engines.prompt.detector import AllowEntry, PromptScanResult, allow_pattern, scan_prompt

__all__ = ["AllowEntry", "PromptScanResult", "allow_pattern", "scan_prompt"]
