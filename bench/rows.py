"""Benchmark rows. Adding one is one small function returning the request to repeat.

    @row("POST /api/v1/ingest/cowrie (events/s)")
    def ingest(ctx) -> Request:
        return Request("/api/v1/ingest/cowrie", method="POST", headers={...}, body=json.dumps([...]))

`ctx` holds what prepare_database() seeded (tokens, the organization). The first row is the
ceiling every other row is compared with. A row may set `unit` and `per_request` when one
request carries several items (events, lines), so the table reports items/s as well.
"""

import json
from dataclasses import dataclass, field

from bench.context import BENCH_PASSWORD, Context


@dataclass
class Request:
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    unit: str = "req"
    per_request: int = 1
    # Concurrent connections for this row (None: BENCH_CONNECTIONS). CPU-bound rows such as
    # login saturate the workers with a few; more would only queue and time out.
    connections: int | None = None


ROWS: dict = {}


def row(name: str):
    def register(fn):
        ROWS[name] = fn
        return fn

    return register


def bearer(ctx: Context) -> dict[str, str]:
    return {"Authorization": f"Bearer {ctx.access_token}"}


@row("bare Django view (ceiling)")
def bare(ctx: Context) -> Request:
    return Request("/bench/bare")


@row("GET /api/v1/auth/me (JWT)")
def me(ctx: Context) -> Request:
    return Request("/api/v1/auth/me", headers=bearer(ctx))


@row("GET /api/v1/users (JWT, tenant-scoped, page of 25 of 30)")
def users_list(ctx: Context) -> Request:
    return Request("/api/v1/users", headers=bearer(ctx))


@row("POST /api/v1/auth/login (Argon2)")
def login(ctx: Context) -> Request:
    return Request(
        "/api/v1/auth/login",
        method="POST",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"email": ctx.admin_email, "password": BENCH_PASSWORD}),
        connections=4,
    )


# The other rows register themselves on import (after `row` exists, hence at the bottom).
from bench import rows_analytics, rows_ingest, rows_productivity, rows_scans  # noqa: E402, F401
