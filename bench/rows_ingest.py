"""Ingestion and detection benchmarks.

Two wrk rows for `make bench` (registered below), and `python -m bench.rows_ingest`, which measures
in-process, one core, on the embedded default (SQLite) and on PostgreSQL when BENCH_POSTGRES_URL is
set:

- events/s through POST ingest/multi with detection on (the request returns after the batch's
  detection ran, as the embedded default runs the task after commit), next to a bare bulk insert of
  the same events in one transaction (the ceiling);
- POST detect p50/p99 latency;
- the detection engine alone: log lines/s through parsing and the full built-in rule set
  (correlations included), next to one compiled regex over the same lines (the ceiling). Measured in
  CPU seconds of the process (time.process_time), so it reads as lines/s of one core even on a
  shared machine.

Results go to bench/results/ingest.json and bench/ingest-report.md.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from bench.context import Context
from bench.rows import Request, row

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "ingest.json"
REPORT = ROOT / "bench" / "ingest-report.md"
BATCH = 500


def corpus(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """Realistic mixed traffic: OpenSSH/PAM auth.log (brute-force bursts and benign logins) and
    Apache combined-format access logs (mostly benign, a few attacks)."""
    rng = random.Random(seed)
    lines: list[tuple[str, str]] = []
    attackers = [f"198.51.100.{n}" for n in range(1, 40)]
    for n in range(count):
        minute, second = divmod(n // 20 % 3600, 60)
        stamp_syslog = f"Nov 22 10:{minute:02d}:{second:02d}"
        stamp_web = f"22/Nov/2026:10:{minute:02d}:{second:02d} +0000"
        kind = rng.random()
        if kind < 0.35:
            ip = rng.choice(attackers)
            user = rng.choice(["root", "admin", "oracle", "ubuntu", "test"])
            lines.append(
                (
                    "sshd",
                    f"{stamp_syslog} web01 sshd[{1000 + n % 9000}]: Failed password for {user} from {ip} port {30000 + n % 30000} ssh2",
                )
            )
        elif kind < 0.45:
            ip = rng.choice(attackers)
            lines.append(
                (
                    "sshd",
                    f"{stamp_syslog} web01 sshd[{1000 + n % 9000}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root",
                )
            )
        elif kind < 0.5:
            lines.append(
                (
                    "sshd",
                    f"{stamp_syslog} web01 sshd[{1000 + n % 9000}]: Accepted publickey for deploy from 192.0.2.{n % 200 + 1} port 50000 ssh2: ED25519 SHA256:abc",
                )
            )
        elif kind < 0.97:
            ip = f"192.0.2.{n % 250 + 1}"
            path = rng.choice(
                ["/", "/products/42", "/static/app.css", "/cart?item=7", "/login", "/api/v1/items?page=2"]
            )
            lines.append(
                (
                    "web",
                    f'{ip} - - [{stamp_web}] "GET {path} HTTP/1.1" 200 {500 + n % 4000} "https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"',
                )
            )
        else:
            ip = rng.choice(attackers)
            path = rng.choice(
                [
                    "/p.php?id=1%27%20UNION%20SELECT%201,2--",
                    "/dl?f=../../../etc/passwd",
                    "/s?q=%3Cscript%3Ealert(1)%3C/script%3E",
                ]
            )
            lines.append(("web", f'{ip} - - [{stamp_web}] "GET {path} HTTP/1.1" 200 99 "-" "sqlmap/1.7"'))
    return lines


# ---- wrk rows (make bench) -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _ingest_key(organization_id: str) -> str:
    from organizations.models import Organization
    from organizations.services import api_key_create

    organization = Organization.objects.get(pk=organization_id)
    _key, raw = api_key_create(organization=organization, name="bench-ingest", scopes=["ingest"], actor=None)
    return raw


@row("POST /api/v1/ingest/multi (API key, 100 auth/web lines, detection on)")
def ingest_multi(ctx: Context) -> Request:
    items = [{"source_type": source, "line": line} for source, line in corpus(100)]
    return Request(
        "/api/v1/ingest/multi",
        method="POST",
        headers={"Content-Type": "application/json", "X-API-Key": _ingest_key(ctx.organization_id)},
        body=json.dumps({"events": items}),
        unit="events",
        per_request=100,
    )


@row("POST /api/v1/detect (one access-log line, JWT)")
def detect(ctx: Context) -> Request:
    line = '198.51.100.40 - - [22/Nov/2026:10:01:00 +0000] "GET /p.php?id=1%27%20UNION%20SELECT%201-- HTTP/1.1" 200 1'
    return Request(
        "/api/v1/detect",
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {ctx.access_token}"},
        body=json.dumps({"log_entry": line}),
    )


# ---- in-process measurements -----------------------------------------------------------------


def _setup(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    else:  # bench.settings tunes SQLite; elsewhere the project settings, limits off
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        os.environ["RATELIMIT_ENABLE"] = "false"
        os.environ["RATE_LIMIT_RESOLVER"] = ""
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure_engine(count: int = 60_000) -> dict:
    from incidents.detection.engine import CorrelationState, RuleSet
    from incidents.detection.rulesets import builtin_rules
    from incidents.detection.sigma import CompiledCorrelation, CompiledRule
    from incidents.ingest.parsers import parse

    compiled = [rule.compiled for rule in builtin_rules()]
    ruleset = RuleSet(
        [c for c in compiled if isinstance(c, CompiledRule)],
        [c for c in compiled if isinstance(c, CompiledCorrelation)],
    )
    lines = corpus(count)
    best = 0.0
    hits = fires = 0
    for _ in range(3):
        state = CorrelationState()
        # CPU time of this process: lines per second of one core, whatever else shares the machine.
        started = time.process_time()
        for start in range(0, len(lines), 1000):
            events = [parse(source, line) for source, line in lines[start : start + 1000]]
            evaluation = ruleset.evaluate(events, state)
            hits, fires = hits + len(evaluation.hits), fires + len(evaluation.fires)
        best = max(best, len(lines) / (time.process_time() - started))
    regex = re.compile(r"Failed password for (?:invalid user )?(\S+) from (\S+)")
    ceiling = 0.0
    for _ in range(3):
        started = time.process_time()
        matched = sum(1 for _source, line in lines if regex.search(line))
        ceiling = max(ceiling, len(lines) / (time.process_time() - started))
    return {
        "lines": len(lines),
        "rules": len(compiled),
        "engine_lines_per_s": round(best),
        "regex_lines_per_s": round(ceiling),
        "regex_matched": matched,
        "ratio": round(best / ceiling, 4),
    }


DETECTION_TASK = "incidents.detect_batch"


@contextmanager
def only_detection_inline(queued: Counter):
    """Run the detection task in process (as the embedded default does) and hand every other task
    to a queue instead: the tasks other apps enqueue when an incident changes (search indexing, ML
    scoring, response workflows) are their workers' load, not ingest's, in any deployment with a
    broker. The queued ones are counted, so the report can say what was left to the workers."""
    from celery.app.task import Task

    original = Task.apply_async

    def apply_async(self, args=None, kwargs=None, **options):
        if self.name == DETECTION_TASK:
            return original(self, args, kwargs, **options)
        queued[self.name] += 1
        return None

    Task.apply_async = apply_async
    try:
        yield
    finally:
        Task.apply_async = original


def _ingest(client, bodies: list[str], key: str) -> float:
    started = time.perf_counter()
    for body in bodies:
        response = client.post(
            "/api/v1/ingest/multi", body, content_type="application/json", HTTP_X_API_KEY=key
        )
        assert response.status_code == 202, response.content[:300]
    return time.perf_counter() - started


def measure_database(database_url: str, batches: int = 12, inline_batches: int = 4) -> dict:
    _setup(database_url)
    from django.db import connection, transaction
    from django.test import Client

    from accounts.models import User
    from accounts.tokens import tokens_for
    from incidents.ingest.models import Event
    from incidents.ingest.parsers import parse
    from incidents.ingest.services import EVENT_FIELDS
    from organizations.services import api_key_create, organization_create

    suffix = str(time.time_ns())
    admin = User.objects.create_user(email=f"bench-ingest-{suffix}@example.com", password=None)
    organization = organization_create(name=f"Bench ingest {suffix}", owner=admin)
    _key, raw = api_key_create(organization=organization, name="bench", scopes=["ingest"], actor=admin)
    token = tokens_for(user=admin, membership=admin.memberships.get())["access_token"]
    client = Client()
    lines = corpus(BATCH * batches, seed=11)
    bodies = [
        json.dumps({"events": [{"source_type": s, "line": line} for s, line in lines[i : i + BATCH]]})
        for i in range(0, len(lines), BATCH)
    ]
    queued: Counter = Counter()
    with only_detection_inline(queued):
        ingest_seconds = _ingest(client, bodies, raw)
    # The embedded default as shipped: every task any app enqueues also runs in this process.
    inline_organization = organization_create(name=f"Bench inline {suffix}", owner=admin)
    _key, inline_raw = api_key_create(
        organization=inline_organization, name="bench", scopes=["ingest"], actor=admin
    )
    inline_seconds = _ingest(client, bodies[:inline_batches], inline_raw)

    # The ceiling: the same events, already normalised, in one bare bulk insert per batch.
    normalised = [parse(s, line) for s, line in lines]
    ceiling_organization = organization_create(name=f"Bench ceiling {suffix}", owner=admin)
    started = time.perf_counter()
    for i in range(0, len(normalised), BATCH):
        with transaction.atomic():
            Event.objects.bulk_create(
                [
                    Event(organization=ceiling_organization, **{k: e[k] for k in EVENT_FIELDS})
                    for e in normalised[i : i + BATCH]
                ],
                batch_size=500,
            )
    bulk_seconds = time.perf_counter() - started

    latencies = []
    detect_lines = [line for _s, line in corpus(200, seed=3)]
    for line in detect_lines:
        began = time.perf_counter()
        response = client.post(
            "/api/v1/detect",
            json.dumps({"log_entry": line}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        latencies.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content[:300]
    latencies.sort()
    from incidents.models import Threat

    return {
        "database": connection.vendor,
        "events": len(lines),
        "batch": BATCH,
        "ingest_events_per_s": round(len(lines) / ingest_seconds),
        "bulk_insert_rows_per_s": round(len(lines) / bulk_seconds),
        "ratio": round(bulk_seconds / ingest_seconds, 3),
        "tasks_queued_for_other_workers": dict(queued),
        "all_tasks_inline_events_per_s": round(BATCH * inline_batches / inline_seconds),
        "all_tasks_inline_ratio": round(
            (BATCH * inline_batches / inline_seconds) / (len(lines) / bulk_seconds), 3
        ),
        "threats": Threat.objects.for_organization(organization).count(),
        "detect_p50_ms": round(statistics.median(latencies), 2),
        "detect_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
    }


def _subprocess(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.rows_ingest", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    # `--batches N` (default 12) shortens the ingest rows for a quick look on a busy machine.
    batches = int(sys.argv[sys.argv.index("--batches") + 1]) if "--batches" in sys.argv else 12
    if len(sys.argv) > 2 and sys.argv[1] == "--database":
        print(json.dumps(measure_database(sys.argv[2], batches=batches, inline_batches=min(4, batches))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--engine":
        _setup(f"sqlite:///{ROOT / 'var' / 'bench-ingest-engine.sqlite3'}")
        print(json.dumps(measure_engine()))
        return
    (ROOT / "var").mkdir(exist_ok=True)
    sqlite = ROOT / "var" / "bench-ingest.sqlite3"
    sqlite.unlink(missing_ok=True)
    results = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "engine": _subprocess("--engine"),
        "sqlite": _subprocess("--database", f"sqlite:///{sqlite}", "--batches", str(batches)),
    }
    if os.environ.get("BENCH_POSTGRES_URL"):
        results["postgresql"] = _subprocess(
            "--database", os.environ["BENCH_POSTGRES_URL"], "--batches", str(batches)
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
