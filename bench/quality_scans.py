"""Precision and recall of each scan engine on labeled data that is not the unit tests' fixtures.

    .venv/bin/python -m bench.quality_scans      # writes bench/results/quality_scans.json

Sources and licences are listed in scans/data/DATASETS.md. In short:

- secrets: real third-party source files installed in the virtualenv (Django, DRF, Celery,
  requests, ...; BSD/Apache/MIT) are the negatives; credentials in each provider's published
  format (generated at random, a real RSA key and a real signed JWT among them) are planted into a
  disjoint set of those files at random lines. detect-secrets runs on the same files.
- PII: texts built with Faker (MIT) values of each type, with look-alikes that must not match
  (Luhn-invalid cards, IBANs with a wrong checksum, invalid SSNs, dates without a birth context).
  Presidio's pattern-only analyzer runs on the same texts.
- code: vulnerable/fixed pairs per language written after MITRE CWE's demonstrative examples
  (CWE-78, -89, -95, -327, -502), plus Django admin's own JavaScript as clean real code.
- prompt: the held-out quarter of scans/data/prompt_injection_dataset.jsonl (never trained on).
"""

from __future__ import annotations

import json
import os
import random
import string
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "quality_scans.json"
SITE = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
LIBRARIES = [
    "django",
    "rest_framework",
    "celery",
    "requests",
    "kombu",
    "jwt",
    "channels",
    "stripe",
    "openpyxl",
]


def _pr(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 3), "recall": round(recall, 3)}


# --- secrets -------------------------------------------------------------------------------------

ALNUM = string.ascii_letters + string.digits


def _tok(rng, n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


def _rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def _jwt(rng) -> str:
    import jwt

    return jwt.encode({"sub": _tok(rng, 10), "role": "admin"}, _tok(rng, 32), algorithm="HS256")


def planted_secret(rng, kind: str) -> str:
    return {
        "aws": lambda: "AKIA" + _tok(rng, 16, string.ascii_uppercase + "234567"),
        "github": lambda: "ghp_" + _tok(rng, 36),
        "github_pat": lambda: "github_pat_" + _tok(rng, 22) + "_" + _tok(rng, 59),
        "gitlab": lambda: "glpat-" + _tok(rng, 20, ALNUM + "_-"),
        "slack": lambda: (
            f"xoxb-{rng.randrange(10**10, 10**11)}-{rng.randrange(10**12, 10**13)}-{_tok(rng, 24)}"
        ),
        "stripe": lambda: "sk_live_" + _tok(rng, 32),
        "google": lambda: "AIza" + _tok(rng, 35, ALNUM + "_-"),
        "sendgrid": lambda: "SG." + _tok(rng, 22, ALNUM + "_-") + "." + _tok(rng, 43, ALNUM + "_-"),
        "twilio": lambda: "SK" + _tok(rng, 32, "0123456789abcdef"),
        "npm": lambda: "npm_" + _tok(rng, 36),
        "pypi": lambda: "pypi-AgEIcHlwaS5vcmc" + _tok(rng, 60, ALNUM + "_-"),
        "openai": lambda: "sk-proj-" + _tok(rng, 40, ALNUM + "_-") + "T3BlbkFJ" + _tok(rng, 40, ALNUM + "_-"),
        "anthropic": lambda: "sk-ant-api03-" + _tok(rng, 93, ALNUM + "_-") + "AA",
        "jwt": lambda: _jwt(rng),
        "postgres": lambda: f"postgres://svc:{_tok(rng, 14)}@db-{_tok(rng, 4).lower()}.internal:5432/app",
        "password": lambda: _tok(rng, 14, ALNUM + "!#%&*"),
    }[kind]()


# Where leaked credentials sit in real code, most without a telling variable name.
CONTEXTS = [
    'settings = {{"api": "{value}"}}',
    'client = Client("{value}")',
    'headers = {{"Authorization": "Bearer {value}"}}',
    'response = requests.get(f"https://api.example.com/v1/items?key={value}")',
    "# rotated on 2024-03-01, old value: {value}",
    'DEFAULTS = ["{value}", "eu-west-1"]',
    'os.environ.setdefault("SERVICE_URL", "{value}")',
    'value = "{value}"',
    'API_TOKEN = "{value}"',
]
SECRET_KINDS = [
    "aws", "github", "github_pat", "gitlab", "slack", "stripe", "google", "sendgrid", "twilio", "npm",
    "pypi", "openai", "anthropic", "jwt", "postgres", "password", "rsa",
]  # fmt: skip


def _library_files(limit: int) -> list[Path]:
    files = []
    for library in LIBRARIES:
        base = SITE / library
        if base.exists():
            files.extend(sorted(path for path in base.rglob("*.py") if "/tests/" not in str(path)))
    rng = random.Random(5)
    rng.shuffle(files)
    return files[:limit]


def evaluate_secrets(workdir: Path) -> dict:
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    from scans.engines.secrets import scan_text

    rng = random.Random(42)
    sources = _library_files(1200)
    clean, hosts = sources[:800], sources[800:]
    planted: dict[str, tuple[int, str, str]] = {}
    files: dict[str, str] = {}
    for index, path in enumerate(clean):
        files[f"clean/{index}.py"] = path.read_text(errors="replace")
    for index, path in enumerate(hosts):
        kind = SECRET_KINDS[index % len(SECRET_KINDS)]
        lines = path.read_text(errors="replace").splitlines()
        at = rng.randrange(0, max(1, len(lines)))
        if kind == "rsa":
            value = _rsa_key()
            block = [f'SIGNING_KEY = """{value.splitlines()[0]}', *value.splitlines()[1:], '"""']
        elif kind == "password":
            value = planted_secret(rng, kind)
            block = [f'DB_PASSWORD = "{value}"']
        else:
            value = planted_secret(rng, kind)
            block = [rng.choice(CONTEXTS).format(value=value)]
        name = f"host/{index}.py"
        files[name] = "\n".join(lines[:at] + block + lines[at:]) + "\n"
        planted[name] = (at + 1, kind, value)
    for name, text in files.items():
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def score(found: dict[str, set[int]]) -> dict:
        tp = fp = fn = 0
        per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for name, lines in found.items():
            line = planted.get(name, (None,))[0]
            hit = line is not None and any(abs(candidate - line) <= 1 for candidate in lines)
            extra = len([candidate for candidate in lines if line is None or abs(candidate - line) > 1])
            fp += extra
        for name, (line, kind, _value) in planted.items():
            hit = any(abs(candidate - line) <= 1 for candidate in found.get(name, set()))
            tp += hit
            fn += not hit
            per_kind[kind][0 if hit else 1] += 1
        return {
            **_pr(tp, fp, fn),
            "recall_by_kind": {kind: round(h / (h + m), 2) for kind, (h, m) in sorted(per_kind.items())},
        }

    ours: dict[str, set[int]] = defaultdict(set)
    for name, text in files.items():
        for finding in scan_text(text, name):
            ours[name].add(finding.line_number or 0)
    collection = SecretsCollection(root=str(workdir))
    with default_settings():
        for name in files:
            collection.scan_file(str(workdir / name))
    theirs: dict[str, set[int]] = defaultdict(set)
    for filename, secret in collection:
        theirs[str(Path(filename).relative_to(workdir)) if Path(filename).is_absolute() else filename].add(
            secret.line_number
        )
    return {
        "corpus": {
            "clean_files": len(clean),
            "files_with_a_planted_secret": len(hosts),
            "libraries": LIBRARIES,
        },
        "palisade": score(ours),
        "detect_secrets": score(theirs),
    }


# --- PII -----------------------------------------------------------------------------------------

PRESIDIO_TYPES = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone_number",
    "CREDIT_CARD": "credit_card",
    "IBAN_CODE": "iban",
    "US_SSN": "us_ssn",
    "IP_ADDRESS": "ip_address",
    "US_PASSPORT": "passport_number",
    "DATE_TIME": "date_of_birth",
}


def _luhn_break(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


def pii_corpus(count: int = 600) -> list[tuple[str, list[tuple[int, int, str]]]]:
    from faker import Faker

    fake = Faker(["en_US", "en_GB", "de_DE"])
    Faker.seed(7)
    rng = random.Random(7)
    rows = []
    for n in range(count):
        parts: list[tuple[str, str | None]] = []
        kind = n % 9
        if kind == 0:
            parts = [("Contact ", None), (fake.email(), "email"), (" for the renewal.", None)]
        elif kind == 1:
            parts = [
                ("Call me on ", None),
                (fake["en_US"].numerify("+1 ###-555-####"), "phone_number"),
                (" after six.", None),
            ]
        elif kind == 2:
            parts = [
                ("Paid with card ", None),
                (
                    fake.credit_card_number(card_type=rng.choice(["visa16", "mastercard", "amex"])),
                    "credit_card",
                ),
                (" yesterday.", None),
            ]
        elif kind == 3:
            parts = [("Transfer to ", None), (fake["de_DE"].iban(), "iban"), (" by Friday.", None)]
        elif kind == 4:
            parts = [("SSN: ", None), (fake["en_US"].ssn(), "us_ssn"), (" on file.", None)]
        elif kind == 5:
            parts = [("Login from ", None), (fake.ipv4_public(), "ip_address"), (" was blocked.", None)]
        elif kind == 6:
            parts = [
                ("Date of birth: ", None),
                (fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat(), "date_of_birth"),
                (".", None),
            ]
        elif kind == 7:
            parts = [
                ("Passport number ", None),
                (fake["en_US"].passport_number(), "passport_number"),
                (" expires soon.", None),
            ]
        else:
            # Look-alikes that are not PII of the type they resemble.
            card = _luhn_break(fake.credit_card_number(card_type="visa16"))
            iban = fake["de_DE"].iban()
            iban = iban[:4] + ("0" if iban[4] != "0" else "1") + iban[5:]
            parts = [
                (
                    f"Order {card} shipped, ref {iban}, build 1.{n}.3, invoice date {fake.date_this_decade().isoformat()}, ticket 000-12-{n % 9000 + 1000}.",
                    None,
                )
            ]
        text, spans, position = "", [], 0
        for chunk, label in parts:
            if label:
                spans.append((position, position + len(chunk), label))
            text += chunk
            position += len(chunk)
        rows.append((text, spans))
    return rows


def _score_pii(corpus, predict) -> dict:
    tp = fp = fn = 0
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for text, gold in corpus:
        predicted = predict(text)
        matched = set()
        for start, end, label in predicted:
            hit = next((g for g in gold if g[2] == label and start < g[1] and g[0] < end), None)
            if hit is None:
                fp += 1
                per_type[label][1] += 1
            elif hit not in matched:
                matched.add(hit)
                tp += 1
                per_type[label][0] += 1
        for g in gold:
            if g not in matched:
                fn += 1
                per_type[g[2]][2] += 1
    return {**_pr(tp, fp, fn), "by_type": {label: _pr(*counts) for label, counts in sorted(per_type.items())}}


def evaluate_pii() -> dict:
    from bench.rows_scans import presidio_pattern_analyzer
    from scans.engines.pii import analyze

    corpus = pii_corpus()
    types = set(PRESIDIO_TYPES.values())
    ours = _score_pii(
        corpus, lambda text: [(m.start, m.end, m.pii_type) for m in analyze(text) if m.pii_type in types]
    )
    engine = presidio_pattern_analyzer()

    def presidio(text):
        return [
            (r.start, r.end, PRESIDIO_TYPES[r.entity_type])
            for r in engine.analyze(text, language="en")
            if r.entity_type in PRESIDIO_TYPES and r.score >= 0.4
        ]

    return {"texts": len(corpus), "palisade": ours, "presidio_pattern_only": _score_pii(corpus, presidio)}


# --- code ----------------------------------------------------------------------------------------

CODE_PAIRS = [
    # (file, vulnerable, fixed, expected finding_type) after MITRE CWE demonstrative examples.
    (
        "a.py",
        "import subprocess\nsubprocess.call('nslookup ' + host, shell=True)\n",
        "import subprocess\nsubprocess.run(['nslookup', host], check=True)\n",
        "command_injection",
    ),
    (
        "b.py",
        "import os\nos.system('rm -rf ' + path)\n",
        "import shutil\nshutil.rmtree(path)\n",
        "command_injection",
    ),
    (
        "c.py",
        "import pickle\nobj = pickle.loads(request.body)\n",
        "import json\nobj = json.loads(request.body)\n",
        "unsafe_deserialization",
    ),
    (
        "d.py",
        "import yaml\ncfg = yaml.load(open(p))\n",
        "import yaml\ncfg = yaml.safe_load(open(p))\n",
        "unsafe_deserialization",
    ),
    (
        "e.py",
        "cursor.execute(\"SELECT * FROM items WHERE owner = '%s'\" % user)\n",
        "cursor.execute('SELECT * FROM items WHERE owner = %s', [user])\n",
        "sql_injection",
    ),
    (
        "f.py",
        "import hashlib\ndigest = hashlib.md5(password.encode()).hexdigest()\n",
        "import hashlib\ndigest = hashlib.sha256(data).hexdigest()\n",
        "weak_crypto",
    ),
    (
        "g.py",
        "result = eval(request.GET['expr'])\n",
        "import ast\nresult = ast.literal_eval(request.GET['expr'])\n",
        "code_injection",
    ),
    (
        "h.js",
        "const r = eval(req.body.formula);\n",
        "const r = JSON.parse(req.body.formula);\n",
        "code_injection",
    ),
    (
        "i.js",
        "const { exec } = require('child_process');\nexec(`ping -c 1 ${req.query.host}`);\n",
        "const { execFile } = require('child_process');\nexecFile('ping', ['-c', '1', host]);\n",
        "command_injection",
    ),
    (
        "j.js",
        'db.query("SELECT * FROM users WHERE id = \'" + req.params.id + "\'");\n',
        "db.query('SELECT * FROM users WHERE id = ?', [req.params.id]);\n",
        "sql_injection",
    ),
    (
        "k.js",
        "const h = crypto.createHash('md5').update(pw).digest('hex');\n",
        "const h = crypto.createHash('sha256').update(data).digest('hex');\n",
        "weak_crypto",
    ),
    (
        "l.go",
        'out, _ := exec.Command("sh", "-c", "ls "+dir).Output()\n',
        'out, _ := exec.Command("ls", dir).Output()\n',
        "command_injection",
    ),
    (
        "m.go",
        "rows, _ := db.Query(fmt.Sprintf(\"SELECT * FROM t WHERE n = '%s'\", name))\n",
        'rows, _ := db.Query("SELECT * FROM t WHERE n = $1", name)\n',
        "sql_injection",
    ),
    (
        "n.go",
        "tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}\n",
        "tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}\n",
        "insecure_configuration",
    ),
    (
        "o.java",
        'Runtime.getRuntime().exec("cmd.exe /C dir " + userDir);\n',
        'new ProcessBuilder("cmd.exe", "/C", "dir").start();\n',
        "command_injection",
    ),
    (
        "p.java",
        'ResultSet rs = stmt.executeQuery("SELECT * FROM acct WHERE id = \'" + id + "\'");\n',
        'PreparedStatement ps = conn.prepareStatement("SELECT * FROM acct WHERE id = ?");\n',
        "sql_injection",
    ),
    (
        "q.java",
        "ObjectInputStream in = new ObjectInputStream(socket.getInputStream());\nObject o = in.readObject();\n",
        "Gson gson = new Gson();\nItem o = gson.fromJson(reader, Item.class);\n",
        "unsafe_deserialization",
    ),
    (
        "r.java",
        'MessageDigest md = MessageDigest.getInstance("MD5");\n',
        'MessageDigest md = MessageDigest.getInstance("SHA-256");\n',
        "weak_crypto",
    ),
    (
        "s.php",
        "<?php\n$cart = unserialize($_COOKIE['cart']);\n",
        "<?php\n$cart = json_decode($_COOKIE['cart'], true);\n",
        "unsafe_deserialization",
    ),
    (
        "t.php",
        "<?php\nsystem('ping -c 1 ' . $_GET['host']);\n",
        "<?php\nsystem('ping -c 1 ' . escapeshellarg($host));\n",
        "command_injection",
    ),
    (
        "u.php",
        "<?php\n$r = mysqli_query($db, \"SELECT * FROM u WHERE name = '$name'\");\n",
        "<?php\n$st = $db->prepare('SELECT * FROM u WHERE name = ?');\n",
        "sql_injection",
    ),
    (
        "v.php",
        "<?php\neval($_POST['code']);\n",
        "<?php\necho htmlspecialchars($_POST['code']);\n",
        "code_injection",
    ),
    (
        "w.rb",
        'system("convert #{params[:file]} out.png")\n',
        "system('convert', params[:file], 'out.png')\n",
        "command_injection",
    ),
    (
        "x.rb",
        "data = Marshal.load(cookies[:session])\n",
        "data = JSON.parse(cookies[:session])\n",
        "unsafe_deserialization",
    ),
    (
        "y.rb",
        "User.where(\"name = '#{params[:name]}'\")\n",
        "User.where(name: params[:name])\n",
        "sql_injection",
    ),
]


def evaluate_code(workdir: Path) -> dict:
    from scans.engines.code import scan_directory

    tp = fp = fn = 0
    for variant in ("vulnerable", "fixed"):
        for name, vulnerable, fixed, expected in CODE_PAIRS:
            root = workdir / variant / name.replace(".", "_")
            root.mkdir(parents=True)
            (root / name).write_text(vulnerable if variant == "vulnerable" else fixed)
            kinds = [finding.finding_type for finding in scan_directory(root).findings]
            if variant == "vulnerable":
                tp += expected in kinds
                fn += expected not in kinds
                fp += len([kind for kind in kinds if kind != expected])
            else:
                fp += len(kinds)
    admin_js = SITE / "django" / "contrib" / "admin" / "static" / "admin" / "js"
    real = scan_directory(admin_js, run_bandit=False) if admin_js.exists() else None
    real_fp = len(real.findings) if real else 0
    return {
        "pairs": len(CODE_PAIRS),
        "labeled_pairs": _pr(tp, fp, fn),
        "django_admin_js": {"files": real.files_scanned if real else 0, "findings": real_fp},
    }


# --- prompt --------------------------------------------------------------------------------------


def evaluate_prompt() -> dict:
    from scans.engines.prompt import scan_prompt
    from scans.engines.prompt.classifier import load_dataset, probabilities, split

    _train, held_out = split(load_dataset())

    def score(predictions):
        tp = sum(1 for example, p in zip(held_out, predictions, strict=True) if p and example.label)
        fp = sum(1 for example, p in zip(held_out, predictions, strict=True) if p and not example.label)
        fn = sum(1 for example, p in zip(held_out, predictions, strict=True) if not p and example.label)
        return _pr(tp, fp, fn)

    detector = [scan_prompt(example.text).overall >= 50 for example in held_out]
    classifier_only = [p >= 0.5 for p in probabilities([example.text for example in held_out])]
    from scans.engines.prompt.patterns import SIGNALS

    patterns_only = [any(signal.pattern.search(example.text) for signal in SIGNALS) for example in held_out]
    return {
        "held_out": len(held_out),
        "attacks": sum(example.label for example in held_out),
        "layered_detector": score(detector),
        "classifier_only": score(classifier_only),
        "patterns_only": score(patterns_only),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="palisade-quality-") as directory:
        workdir = Path(directory)
        results = {
            "secrets": evaluate_secrets(workdir / "secrets"),
            "pii": evaluate_pii(),
            "code": evaluate_code(workdir / "code"),
            "prompt": evaluate_prompt(),
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    json.dump(results, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
