"""Python files through bandit's own manager (its full plugin set, offline)."""

from __future__ import annotations

import logging
from pathlib import Path

from scans.engines.base import EngineFinding

# Left to the secrets engine (hardcoded passwords) or too noisy to be a finding (assert, imports).
SKIPPED_TESTS = {"B101", "B105", "B106", "B107", "B403", "B404"}
TYPE_BY_CWE = {
    78: "command_injection",
    502: "unsafe_deserialization",
    89: "sql_injection",
    327: "weak_crypto",
    328: "weak_crypto",
    916: "weak_crypto",
    94: "code_injection",
    95: "code_injection",
    295: "insecure_configuration",
    20: "insecure_input_handling",
}
# CWEs whose confirmed (high-confidence) findings are remote-code-execution class.
ESCALATED_CWES = {78, 94, 95, 502}
REMEDIATION = {
    "command_injection": "Call the program with an argument list and shell=False; validate inputs against an allow-list.",
    "unsafe_deserialization": "Never unpickle/unmarshal untrusted data; exchange JSON and validate it against a schema.",
    "sql_injection": "Use parameterised queries instead of building SQL strings.",
    "weak_crypto": "Use SHA-256 or better (hashlib.sha256), and a password hasher (argon2, bcrypt) for passwords.",
    "code_injection": "Remove eval/exec of data; use ast.literal_eval or an allow-list of operations.",
    "insecure_configuration": "Keep certificate verification and secure defaults on.",
}


def scan_python_files(root: Path, files: list[Path]) -> list[EngineFinding]:
    if not files:
        return []
    from bandit.core import config as bandit_config
    from bandit.core import manager as bandit_manager

    logging.getLogger("bandit").setLevel(logging.ERROR)
    manager = bandit_manager.BanditManager(bandit_config.BanditConfig(), "file", quiet=True)
    manager.discover_files([str(path) for path in files])
    manager.run_tests()
    findings = []
    for issue in manager.get_issue_list():
        # Low-severity bandit issues are advice ("check the input"), not findings.
        if issue.test_id in SKIPPED_TESTS or str(issue.severity).upper() == "LOW":
            continue
        cwe = issue.cwe.id if issue.cwe else 0
        finding_type = TYPE_BY_CWE.get(cwe, "insecure_code")
        severity = str(issue.severity).lower()
        if cwe in ESCALATED_CWES and str(issue.confidence).upper() == "HIGH" and severity == "medium":
            severity = "high"
        line = (issue.get_code(max_lines=1, tabbed=False) or "").strip()
        relative = str(Path(issue.fname).relative_to(root))
        findings.append(
            EngineFinding(
                rule_id=f"bandit-{issue.test_id}",
                finding_type=finding_type,
                severity=severity if severity in ("low", "medium", "high") else "medium",
                description=f"{issue.text} (bandit {issue.test_id} {issue.test}, CWE-{cwe})",
                remediation=REMEDIATION.get(finding_type, "Review this call and use the safe API."),
                file_path=relative,
                line_number=issue.lineno,
                value="",
                identity=f"bandit-{issue.test_id}:{relative}:{' '.join(line.split()[1:])}",
                extra={"cwe": f"CWE-{cwe}", "confidence": str(issue.confidence).lower()},
            )
        )
    return findings
