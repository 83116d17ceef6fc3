"""Engineering-productivity benchmarks.

Three wrk rows for `make bench` (registered below): events/s through POST mcp/metrics/collect and
through POST metrics/productivity batches, and GET analytics/productivity-trends on the bench
database.

`BENCH_POSTGRES_URL=postgres://... python -m bench.rows_productivity` measures in process, on
PostgreSQL, side by side in one run:

- metrics/s through POST metrics/productivity (batches of 500, the whole request path: auth,
  validation, bulk insert, events, the after-commit batch task) next to a bare bulk insert of the
  same rows (the ceiling);
- executions/s through POST mcp/metrics/collect, one seed-C body per request, next to the same;
- GET analytics/productivity-trends latency (p50/p95 of repeated calls, exact query count) over
  5,000,000 rows loaded server-side with INSERT ... SELECT FROM generate_series, next to the bare
  GROUP BY the endpoint's grouped query runs (its ceiling).

Results go to bench/results/productivity.json; their reading is in bench/productivity-report.md.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from bench.context import Context
from bench.rows import Request, row

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "productivity.json"
BATCH = 500
TREND_ROWS = int(os.environ.get("BENCH_TREND_ROWS", "5000000"))
INGEST_BATCHES = int(os.environ.get("BENCH_INGEST_BATCHES", "10"))
MCP_REQUESTS = int(os.environ.get("BENCH_MCP_REQUESTS", "400"))


def metric_items(count: int, *, start: datetime | None = None) -> list[dict]:
    start = start or datetime(2026, 11, 2, tzinfo=UTC)
    types = ["commits", "prs_merged", "pr_cycle_time_hours", "deploys", "reviews"]
    return [
        {
            "timestamp": (start + timedelta(minutes=7 * n)).isoformat(),
            "metric_type": types[n % len(types)],
            "value": float(n % 13 + 1),
            "metadata": {"repo": f"repo-{n % 4}"},
        }
        for n in range(count)
    ]


def mcp_body(n: int = 0) -> dict:
    return {
        "session_id": f"bench-session-{n % 50}",
        "user_identifier": f"dev{n % 30}@example.com",
        "agent_name": ["code-reviewer", "test-runner", "planner"][n % 3],
        "command": "review the change",
        "execution_time_ms": 800 + n % 900,
        "success": n % 7 != 0,
        "error_details": None if n % 7 else "timeout",
        "metadata": {"model": "claude"},
        "timestamp": "2026-11-02T10:15:00Z",
    }


# ---- wrk rows (make bench) -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _mcp_key(organization_id: str) -> str:
    from organizations.models import Organization
    from organizations.services import api_key_create

    organization = Organization.objects.get(pk=organization_id)
    _key, raw = api_key_create(organization=organization, name="bench-mcp", scopes=["mcp"], actor=None)
    return raw


@row("POST /api/v1/mcp/metrics/collect (API key mcp, one execution)")
def mcp_collect(ctx: Context) -> Request:
    return Request(
        "/api/v1/mcp/metrics/collect",
        method="POST",
        headers={"Content-Type": "application/json", "X-API-Key": _mcp_key(ctx.organization_id)},
        body=json.dumps(mcp_body()),
        unit="executions",
    )


@row("POST /api/v1/metrics/productivity (JWT, 100 metrics)")
def productivity_batch(ctx: Context) -> Request:
    return Request(
        "/api/v1/metrics/productivity",
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {ctx.access_token}"},
        body=json.dumps(metric_items(100)),
        unit="metrics",
        per_request=100,
    )


@row("GET /api/v1/analytics/productivity-trends (JWT, 30 days by day)")
def trends(ctx: Context) -> Request:
    return Request(
        "/api/v1/analytics/productivity-trends?start_date=2026-11-01T00:00:00Z&end_date=2026-12-01T00:00:00Z",
        headers={"Authorization": f"Bearer {ctx.access_token}"},
    )


# ---- in-process measurements on PostgreSQL ---------------------------------------------------


def _setup(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["RATELIMIT_ENABLE"] = "false"
    os.environ["RATE_LIMIT_RESOLVER"] = ""
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _tenant(label: str):
    from accounts.models import User
    from accounts.tokens import tokens_for
    from organizations.services import api_key_create, organization_create

    suffix = str(time.time_ns())
    admin = User.objects.create_user(email=f"bench-{label}-{suffix}@example.com", password=None)
    organization = organization_create(name=f"Bench {label} {suffix}", owner=admin)
    token = tokens_for(user=admin, membership=admin.memberships.get())["access_token"]
    _key, raw = api_key_create(organization=organization, name="bench", scopes=["mcp"], actor=admin)
    return organization, token, raw


def measure_ingest(batches: int = INGEST_BATCHES, mcp_requests: int = MCP_REQUESTS) -> dict:
    from django.db import transaction
    from django.test import Client

    from metrics.productivity.models import ProductivityMetric

    _organization, token, key = _tenant("ingest")
    client = Client()
    bodies = [
        json.dumps(metric_items(BATCH, start=datetime(2026, 10, 1, tzinfo=UTC) + timedelta(days=b)))
        for b in range(batches)
    ]
    # Warm-up, not timed: the first request imports every app's URLconf (seconds on a busy machine).
    client.post(
        "/api/v1/metrics/productivity",
        json.dumps(metric_items(5, start=datetime(2026, 9, 1, tzinfo=UTC))),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    started = time.perf_counter()
    for body in bodies:
        response = client.post(
            "/api/v1/metrics/productivity",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 201, response.content[:300]
    api_seconds = time.perf_counter() - started

    ceiling_organization, _token, _key = _tenant("ceiling")
    items = [item for body in bodies for item in json.loads(body)]
    started = time.perf_counter()
    for i in range(0, len(items), BATCH):
        with transaction.atomic():
            ProductivityMetric.objects.bulk_create(
                [
                    ProductivityMetric(
                        organization=ceiling_organization,
                        timestamp=datetime.fromisoformat(it["timestamp"]),
                        metric_type=it["metric_type"],
                        value=it["value"],
                        metadata=it["metadata"],
                    )
                    for it in items[i : i + BATCH]
                ],
                batch_size=500,
            )
    bulk_seconds = time.perf_counter() - started

    mcp_bodies = [json.dumps(mcp_body(n)) for n in range(mcp_requests)]
    started = time.perf_counter()
    for body in mcp_bodies:
        response = client.post(
            "/api/v1/mcp/metrics/collect", body, content_type="application/json", HTTP_X_API_KEY=key
        )
        assert response.status_code == 201, response.content[:300]
    mcp_seconds = time.perf_counter() - started
    return {
        "metrics": len(items),
        "batch": BATCH,
        "api_metrics_per_s": round(len(items) / api_seconds),
        "bulk_insert_rows_per_s": round(len(items) / bulk_seconds),
        "api_to_bulk_ratio": round(bulk_seconds / api_seconds, 3),
        "mcp_requests": mcp_requests,
        "mcp_executions_per_s": round(mcp_requests / mcp_seconds),
        "mcp_ms_per_request": round(1000 * mcp_seconds / mcp_requests, 2),
    }


LOAD_SQL = """
INSERT INTO productivity_productivitymetric
    (id, organization_id, created_at, updated_at, client_id, timestamp, metric_type, value, metadata, team_id)
SELECT gen_random_uuid(), %(org)s, now(), now(), '',
       %(start)s::timestamptz + (n * interval '1 second' * %(spacing)s),
       (ARRAY['commits','prs_merged','pr_cycle_time_hours','deploys','reviews'])[1 + n %% 5],
       (n %% 17) + 1, '{}'::jsonb, %(team)s
FROM generate_series(0, %(rows)s - 1) AS n
"""


def measure_trends(rows: int = TREND_ROWS, calls: int = 7) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from organizations.models import Team

    organization, token, _key = _tenant("trends")
    team = Team.objects.create(organization=organization, name="Bench team")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    days = 360
    spacing = days * 86400 / rows
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            LOAD_SQL,
            {"org": organization.pk, "start": start, "spacing": spacing, "team": team.pk, "rows": rows},
        )
        cursor.execute("ANALYZE productivity_productivitymetric")
    load_seconds = time.perf_counter() - began

    client = Client()
    url = "/api/v1/analytics/productivity-trends"
    params = {"start_date": "2026-09-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z", "granularity": "day"}
    latencies = []
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")
    query_count = len(queries)
    for _ in range(calls):
        began = time.perf_counter()
        response = client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")
        latencies.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content[:300]
    in_range = sum(s["count"] for s in response.json()["data"]["metrics"])

    ceiling = []
    sql = (
        "SELECT metric_type, date_trunc('day', timestamp AT TIME ZONE 'UTC'), SUM(value), COUNT(*) "
        "FROM productivity_productivitymetric WHERE organization_id = %s AND timestamp >= %s AND timestamp < %s "
        "GROUP BY 1, 2"
    )
    for _ in range(calls):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [organization.pk, params["start_date"], params["end_date"]])
            cursor.fetchall()
        ceiling.append((time.perf_counter() - began) * 1000)
    return {
        "rows": rows,
        "rows_in_range": in_range,
        "load_seconds": round(load_seconds, 1),
        "load_rows_per_s": round(rows / load_seconds),
        "trends_p50_ms": round(statistics.median(latencies), 1),
        "trends_max_ms": round(max(latencies), 1),
        "bare_group_by_p50_ms": round(statistics.median(ceiling), 1),
        "ratio_to_bare_group_by": round(statistics.median(ceiling) / statistics.median(latencies), 3),
        "queries": query_count,
        "calls": calls,
    }


def main() -> None:
    url = os.environ.get("BENCH_POSTGRES_URL")
    if not url:
        raise SystemExit("set BENCH_POSTGRES_URL to a PostgreSQL database the benchmark may fill")
    _setup(url)
    from django.db import connection

    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}",
        "cpus": os.cpu_count(),
        "ingest": measure_ingest(),
        "trends": measure_trends(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    json.dump(results, sys.stdout, indent=2)
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
