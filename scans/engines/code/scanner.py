"""Walks a directory of source files once: secrets in every text file, unsafe code per language."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from scans.engines import secrets
from scans.engines.base import EngineFinding, LineIndex
from scans.engines.code.python import scan_python_files
from scans.engines.code.rules import COMMENT_LINE, EXTENSIONS, LANGUAGE_ALIASES, RULES

SKIPPED_DIRECTORIES = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox"}


@dataclass
class CodeScanResult:
    findings: list[EngineFinding] = field(default_factory=list)
    files_scanned: int = 0
    bytes_scanned: int = 0
    files_skipped: list[str] = field(default_factory=list)


def detect_language(path: str, declared: str = "") -> str:
    declared = (declared or "").strip().lower()
    if declared:
        return LANGUAGE_ALIASES.get(declared, declared)
    return EXTENSIONS.get(Path(path).suffix.lower(), "")


def scan_language_rules(text: str, language: str, file_path: str) -> list[EngineFinding]:
    findings = []
    lines = LineIndex(text)
    for rule in RULES:
        if language not in rule.languages or (rule.keyword and rule.keyword not in text):
            continue
        for match in rule.pattern.finditer(text):
            line_text = lines.line_text(match.start())
            if COMMENT_LINE.match(line_text):
                continue
            findings.append(
                EngineFinding(
                    rule_id=rule.rule_id,
                    finding_type=rule.finding_type,
                    severity=rule.severity,
                    description=rule.description,
                    remediation=rule.remediation,
                    file_path=file_path,
                    line_number=lines.line_of(match.start()),
                    identity=f"{rule.rule_id}:{file_path}:{' '.join(line_text.split())}",
                    extra={"cwe": rule.cwe},
                )
            )
    return findings


def _read_text(path: Path, max_bytes: int) -> str | None:
    try:
        if path.stat().st_size > max_bytes:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    if b"\0" in raw[:8192]:
        return None
    return raw.decode("utf-8", errors="replace")


def scan_directory(
    root: Path, *, max_file_bytes: int = 2 * 1024 * 1024, language: str = "", run_bandit: bool = True
) -> CodeScanResult:
    """Every text file under `root` (symlinks are not followed); paths in findings are relative."""
    result = CodeScanResult()
    python_files: list[Path] = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = sorted(name for name in subdirectories if name not in SKIPPED_DIRECTORIES)
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_symlink() or not path.is_file():
                continue
            relative = str(path.relative_to(root))
            text = _read_text(path, max_file_bytes)
            if text is None:
                result.files_skipped.append(relative)
                continue
            result.files_scanned += 1
            result.bytes_scanned += len(text)
            result.findings.extend(secrets.scan_text(text, relative))
            file_language = detect_language(relative, language)
            if file_language == "python":
                python_files.append(path)
            elif file_language:
                result.findings.extend(scan_language_rules(text, file_language, relative))
    if run_bandit:
        result.findings.extend(scan_python_files(root, python_files))
    result.findings.sort(key=lambda finding: (finding.file_path, finding.line_number or 0, finding.rule_id))
    return result
