"""`make bench`: serve Palisade with the real ASGI server and drive it with wrk, row by row.

Every row is measured in the same run against the same server, so the ratio to the bare-view
ceiling is meaningful on a shared, noisy machine; query counts are exact.

    BENCH_SERVER=uvicorn|daphne   the ASGI server (uvicorn: N worker processes; daphne: one)
    BENCH_WORKERS=2               uvicorn worker processes (production runs N behind a balancer)
    BENCH_SECONDS=10              measured seconds per row (after a 2-second warm-up)
    BENCH_CONNECTIONS=16          concurrent wrk connections
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results" / "latest.json"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SERVER = os.environ.get("BENCH_SERVER", "uvicorn")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2")) if SERVER == "uvicorn" else 1


def prepare_database():
    """A fresh SQLite database with one organization of 30 members, and a token for its admin."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from accounts.tokens import tokens_for
    from bench.context import BENCH_PASSWORD, Context
    from organizations.models import Role
    from organizations.services import membership_create, organization_create

    admin = User.objects.create_user(email="bench-admin@example.com", password=BENCH_PASSWORD)
    organization = organization_create(name="Bench", owner=admin)
    for n in range(29):
        # Members never sign in during the run: an unusable password saves 29 Argon2 hashes.
        user = User.objects.create_user(email=f"member{n}@example.com", password=None)
        membership_create(organization=organization, user=user, role=Role.VIEWER)
    # Enterprise: unlimited API calls and the highest request rate, so the plan is not what is measured.
    from billing.services.plan_changes import subscription_change_plan

    subscription_change_plan(organization=organization, new_plan="enterprise", actor=admin)
    membership = admin.memberships.get()
    return Context(
        access_token=tokens_for(user=admin, membership=membership)["access_token"],
        admin_email=admin.email,
        organization_id=str(organization.pk),
    )


def query_count(request) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items() if k != "Content-Type"
    }
    content_type = request.headers.get("Content-Type", "application/octet-stream")
    with CaptureQueriesContext(connection) as queries:
        response = client.generic(
            request.method, request.path, request.body, content_type=content_type, **headers
        )
    assert response.status_code < 400, (request.path, response.status_code, response.content[:200])
    return len(queries)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(port: int) -> list[str]:
    """The production ASGI entry point, as a deployment starts it."""
    bin_dir = ROOT / ".venv" / "bin"
    if SERVER == "daphne":
        return [str(bin_dir / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    if SERVER == "uvicorn":
        return [
            str(bin_dir / "uvicorn"),
            "config.asgi:application",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--workers={WORKERS}",
            "--lifespan=off",
            "--no-access-log",
            "--log-level=warning",
        ]
    raise SystemExit(f"BENCH_SERVER must be uvicorn or daphne, not {SERVER!r}")


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        server_command(port),
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=(WORK / "server.log").open("w"),
        start_new_session=True,
    )
    # Importing Django in every worker takes a while on a busy 2-core machine.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare", timeout=1)
            return server
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGKILL)
    raise SystemExit(f"the server did not start; see {(WORK / 'server.log').relative_to(ROOT)}")


def wrk(port: int, request, seconds: int) -> dict:
    script = WORK / "request.lua"
    headers = "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in request.headers.items())
    body = f"wrk.body = {json.dumps(request.body)}\n" if request.body else ""
    script.write_text(
        f'wrk.method = "{request.method}"\n{headers}{body}' + (ROOT / "bench" / "wrk_report.lua").read_text()
    )
    url = f"http://127.0.0.1:{port}{request.path}"
    connections = request.connections or CONNECTIONS
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    if figures["requests"] == 0:
        figures["errors"] += 1  # not one response in the whole run is a failure, not a zero
    figures["connections"] = connections
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["unit"] = request.unit
    figures["items_per_s"] = figures["rps"] * request.per_request
    return figures


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (make bench installs it with apt-get)")
    ctx = prepare_database()
    from bench.rows import ROWS

    requests = {name: build(ctx) for name, build in ROWS.items()}
    queries = {name: query_count(request) for name, request in requests.items()}
    port = free_port()
    server = start_server(port)
    results = []
    try:
        for name, request in requests.items():
            wrk(port, request, 2)  # warm-up
            figures = wrk(port, request, SECONDS)
            results.append({"row": name, "queries": queries[name], **figures})
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    ceiling = results[0]["rps"]
    for result in results:
        result["ratio_to_ceiling"] = result["rps"] / ceiling
    server_label = f"{SERVER} ({WORKERS} worker{'s' if WORKERS > 1 else ''})"
    print(
        f"\nPalisade benchmarks: {server_label}, wrk -t2 -c{CONNECTIONS} unless a row says otherwise, {SECONDS}s per row\n"
    )
    print(
        f"{'row':58} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'queries':>7} {'conns':>5}  items/s"
    )
    for r in results:
        items = f"{r['items_per_s']:.0f} {r['unit']}/s" if r["unit"] != "req" else ""
        print(
            f"{r['row']:58} {r['rps']:8.0f} {r['ratio_to_ceiling']:6.2f} {r['p50_us'] / 1000:7.1f} "
            f"{r['p95_us'] / 1000:7.1f} {r['p99_us'] / 1000:7.1f} {r['errors']:6d} {r['queries']:7d} {r['connections']:5d}  {items}"
        )
    from bench.ws_fanout import measure as ws_fanout_measure
    from bench.ws_fanout import report as ws_fanout_report

    fanout = ws_fanout_measure(free_port())
    print(f"\n{ws_fanout_report(fanout)}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "server": SERVER,
                "workers": WORKERS,
                "seconds": SECONDS,
                "connections": CONNECTIONS,
                "cpus": os.cpu_count(),
                "rows": results,
                "websocket_fanout": fanout,
            },
            indent=2,
        )
    )
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    sys.exit(1 if any(r["errors"] for r in results) or fanout["missing"] else 0)


if __name__ == "__main__":
    main()
