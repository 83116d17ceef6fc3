"""Unsafe-code detection: bandit for Python, a rule engine for JS/TS, Go, Java, PHP and Ruby."""

from scans.engines.code.scanner import CodeScanResult, detect_language, scan_directory

__all__ = ["CodeScanResult", "detect_language", "scan_directory"]
