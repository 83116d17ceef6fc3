"""Prompt-injection detection: normalisation, known-attack patterns, a trained classifier."""

from scans.engines.prompt.detector import PromptScanResult, scan_prompt

__all__ = ["PromptScanResult", "scan_prompt"]
