"""WebSocket fan-out row: N clients of one organization on /ws/threats, latency from publish to receipt.

The server is daphne (as `make run`) serving Palisade's ASGI application wrapped with one bench-only
HTTP route, POST /bench/publish, which calls `realtime.publish` inside the server process (the
embedded default's in-memory channel layer lives there). The payload carries the CLOCK_MONOTONIC
reading taken just before `publish`; clients, real `websockets` connections in this process, read the
clock on receipt (the clock is system-wide, so the difference is the publish-to-receipt latency).
Memory per connection is the growth of the server's resident set from 0 to N authenticated sockets.

Standalone: `python -m bench.ws_fanout`; `make bench` runs it after the HTTP rows.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("BENCH_WS_CLIENTS", "500"))
EVENTS = int(os.environ.get("BENCH_WS_EVENTS", "40"))
CONNECTIONS_PER_USER = 5  # the per-user limit: 500 clients are 100 members with 5 sockets each
ROW = f"WebSocket fan-out: publish -> {CLIENTS} clients of one org (/ws/threats)"


# The server side, imported by daphne as `bench.ws_fanout:application`.


def _publish(organization_id: str, seq: int) -> float:
    import realtime

    t0 = time.monotonic()
    realtime.publish(organization_id, "threat_detected", {"threat_id": f"BENCH-{seq}", "bench_t0": t0})
    return t0


def _build_application():
    from channels.db import database_sync_to_async

    from config.asgi import application as palisade

    async def application(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/bench/publish":
            query = dict(
                part.split("=", 1) for part in scope["query_string"].decode().split("&") if "=" in part
            )
            t0 = await database_sync_to_async(_publish)(query["org"], int(query["seq"]))
            body = json.dumps({"t0": t0}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await palisade(scope, receive, send)

    return application


def __getattr__(name: str):
    if name == "application":
        return _build_application()
    raise AttributeError(name)


# The client side.


def _members_with_tokens(count: int) -> tuple[str, list[str]]:
    """An organization with `count` members; one access token per member."""
    from accounts.models import User
    from accounts.tokens import tokens_for
    from organizations.models import Membership, Role
    from organizations.services import membership_create, organization_create

    owner = User.objects.create_user(email="ws-owner@example.com", password=None)
    organization = organization_create(name="Bench realtime", owner=owner)
    tokens = [tokens_for(user=owner, membership=Membership.objects.for_organization(organization).get())]
    for n in range(count - 1):
        user = User.objects.create_user(email=f"ws-member{n}@example.com", password=None)
        tokens.append(
            tokens_for(
                user=user,
                membership=membership_create(organization=organization, user=user, role=Role.VIEWER),
            )
        )
    return str(organization.pk), [t["access_token"] for t in tokens]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "bench.ws_fanout:application",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare", timeout=1)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the WebSocket bench server did not start")


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


async def _drive(port: int, organization_id: str, tokens: list[str], server_pid: int) -> dict:
    from websockets.asyncio.client import connect

    origin = {"Origin": f"http://127.0.0.1:{port}"}
    rss_before = _rss_kib(server_pid)
    sockets = []
    for index in range(CLIENTS):
        token = tokens[index // CONNECTIONS_PER_USER]
        ws = await connect(
            f"ws://127.0.0.1:{port}/ws/threats?token={token}", additional_headers=origin, max_queue=None
        )
        hello = json.loads(await ws.recv())
        assert hello["type"] == "authenticated", hello
        sockets.append(ws)
    await asyncio.sleep(1.0)
    rss_after = _rss_kib(server_pid)

    latencies: list[float] = []
    missing = 0

    async def receive_one(ws, seq: int) -> None:
        nonlocal missing
        try:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                if message.get("data", {}).get("threat_id") == f"BENCH-{seq}":
                    latencies.append(time.monotonic() - message["data"]["bench_t0"])
                    return
        except TimeoutError:
            missing += 1

    def trigger(seq: int) -> None:
        url = f"http://127.0.0.1:{port}/bench/publish?org={organization_id}&seq={seq}"
        urllib.request.urlopen(url, data=b"", timeout=30).read()

    loop = asyncio.get_running_loop()
    for seq in range(-1, EVENTS):  # event -1 warms the path up and is not counted
        waiting = [asyncio.ensure_future(receive_one(ws, seq)) for ws in sockets]
        await loop.run_in_executor(None, trigger, seq)
        await asyncio.gather(*waiting)
        if seq == -1:
            latencies.clear()
            missing = 0
    for ws in sockets:
        await ws.close()

    latencies.sort()
    return {
        "row": ROW,
        "clients": CLIENTS,
        "events": EVENTS,
        "deliveries": len(latencies),
        "missing": missing,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "max_ms": latencies[-1] * 1000,
        "server_rss_before_kib": rss_before,
        "server_rss_after_kib": rss_after,
        "kib_per_connection": (rss_after - rss_before) / CLIENTS,
    }


def measure(port: int) -> dict:
    """Run the row against a fresh daphne on `port`; Django must be set up on the bench database."""
    organization_id, tokens = _members_with_tokens(-(-CLIENTS // CONNECTIONS_PER_USER))
    server = _start_server(port)
    try:
        return asyncio.run(_drive(port, organization_id, tokens, server.pid))
    finally:
        _stop(server)


def report(result: dict) -> str:
    return (
        f"{result['row']}\n"
        f"  {result['deliveries']} deliveries ({result['events']} events x {result['clients']} clients, "
        f"{result['missing']} missing): p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"max {result['max_ms']:.1f} ms; server memory {result['kib_per_connection']:.1f} KiB per connection "
        f"(RSS {result['server_rss_before_kib'] / 1024:.0f} -> {result['server_rss_after_kib'] / 1024:.0f} MiB)"
    )


def main() -> None:
    from bench.__main__ import free_port, prepare_database

    prepare_database()
    result = measure(free_port())
    print(report(result))
    sys.exit(1 if result["missing"] else 0)


if __name__ == "__main__":
    main()
