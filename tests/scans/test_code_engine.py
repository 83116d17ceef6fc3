"""Unsafe code: bandit on Python, the rule engine on other languages, secrets in every file."""

from pathlib import Path

from scans.engines.code import scan_directory
from tests.scans.conftest import STRIPE_LIVE

PYTHON = """import pickle
import subprocess


def load(blob):
    return pickle.loads(blob)


def run(user_input):
    subprocess.call("ls " + user_input, shell=True)
"""


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def by_type(result):
    return {(finding.file_path, finding.finding_type, finding.line_number) for finding in result.findings}


def test_python_pickle_and_shell_true_are_found_with_their_lines(tmp_path):
    write(tmp_path, "app/tasks.py", PYTHON)
    result = scan_directory(tmp_path)
    found = by_type(result)
    assert ("app/tasks.py", "unsafe_deserialization", 6) in found
    assert ("app/tasks.py", "command_injection", 10) in found
    shell = next(finding for finding in result.findings if finding.finding_type == "command_injection")
    assert shell.severity == "high"
    assert "CWE-78" in shell.description


def test_safe_python_has_no_findings(tmp_path):
    write(
        tmp_path,
        "ok.py",
        "import json\nimport subprocess\n\nsubprocess.run(['ls', '-l'], check=True)\njson.loads('{}')\n",
    )
    assert scan_directory(tmp_path).findings == []


def test_other_languages(tmp_path):
    write(
        tmp_path,
        "web/app.js",
        "const { exec } = require('child_process');\nconst out = eval(req.query.expr);\nexec(`convert ${file} out.png`);\n",
    )
    write(
        tmp_path,
        "svc/main.go",
        'import "crypto/md5"\nrows, _ := db.Query(fmt.Sprintf("SELECT * FROM users WHERE id = %s", id))\n',
    )
    write(
        tmp_path,
        "api/Repo.java",
        'stmt.executeQuery("SELECT * FROM users WHERE name = \'" + name + "\'");\nObjectInputStream in = new ObjectInputStream(sock.getInputStream());\n',
    )
    write(
        tmp_path,
        "public/index.php",
        "<?php\n$data = unserialize($_COOKIE['cart']);\nsystem('ping ' . $_GET['host']);\n",
    )
    write(tmp_path, "lib/job.rb", 'system("tar xf #{params[:file]}")\nobj = Marshal.load(payload)\n')
    found = {(path, kind) for path, kind, _line in by_type(scan_directory(tmp_path))}
    assert {
        ("web/app.js", "code_injection"),
        ("web/app.js", "command_injection"),
        ("svc/main.go", "weak_crypto"),
        ("svc/main.go", "sql_injection"),
        ("api/Repo.java", "sql_injection"),
        ("api/Repo.java", "unsafe_deserialization"),
        ("public/index.php", "unsafe_deserialization"),
        ("public/index.php", "command_injection"),
        ("lib/job.rb", "command_injection"),
        ("lib/job.rb", "unsafe_deserialization"),
    } <= found


def test_commented_out_code_literal_eval_and_regexp_exec_do_not_fire(tmp_path):
    write(
        tmp_path,
        "a.js",
        "// eval(userInput)\nconst x = JSON.parse(body);\nconsole.log(eval('2 + 2'));\nconst m = /a(b)/.exec(text);\n",
    )
    assert scan_directory(tmp_path).findings == []


def test_secrets_in_any_text_file_and_binary_files_skipped(tmp_path):
    write(tmp_path, "config/.env", f"STRIPE_KEY={STRIPE_LIVE}\n")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + STRIPE_LIVE.encode())
    result = scan_directory(tmp_path)
    assert [(finding.file_path, finding.rule_id) for finding in result.findings] == [
        ("config/.env", "stripe-live-key")
    ]
    assert result.files_skipped == ["logo.png"]
