"""SOC analytics benchmarks.

A wrk row for `make bench` (registered below: GET analytics/dashboard on the bench database), and
`python -m bench.rows_analytics`, which needs BENCH_POSTGRES_URL (a database it may drop and
re-create tables in, e.g. postgres://palisade:palisade@127.0.0.1:5432/h8) and:

1. migrates it and loads one organization with 1,000,000 events and 50,000 threats spread over
   30 days, with INSERT ... SELECT FROM generate_series inside PostgreSQL (no row goes through the
   ORM or the network), then VACUUM ANALYZE;
2. times the dashboard's queries (incidents.analytics.selectors.dashboard, 3 queries) side by side
   with the covering index `threat_dashboard` present and dropped, counts the queries exactly, and
   keeps PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of each;
3. writes bench/results/analytics.json and bench/analytics-report.md.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.context import Context
from bench.rows import Request, bearer, row

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "analytics.json"
REPORT = ROOT / "bench" / "analytics-report.md"
EVENTS = int(os.environ.get("BENCH_ANALYTICS_EVENTS", "1000000"))
THREATS = int(os.environ.get("BENCH_ANALYTICS_THREATS", "50000"))
DAYS = 30
RUNS = 15


@row("GET /api/v1/analytics/dashboard (JWT, database aggregates)")
def analytics_dashboard(ctx: Context) -> Request:
    return Request("/api/v1/analytics/dashboard", headers=bearer(ctx))


def _setup(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["RATELIMIT_ENABLE"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(organization_id, *, events: int, threats: int, days: int = DAYS) -> dict:
    """Rows generated inside PostgreSQL: realistic mixes of source types, statuses and threat types."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO incidents_event (organization_id, created_at, updated_at, source_type, timestamp,
                src_ip, src_port, dst_ip, dst_port, "user", action, outcome, message, raw, fields, parsed,
                parse_error, synthetic)
            SELECT %(org)s, stamp, stamp, (ARRAY['sshd','web','cowrie','json'])[1 + n %% 4], stamp,
                ('198.51.' || (n %% 250) || '.' || (n %% 249 + 1))::inet, 30000 + n %% 30000,
                '192.0.2.10'::inet, (ARRAY[22, 80, 443, 2222])[1 + n %% 4], (ARRAY['root','admin','pi'])[1 + n %% 3],
                (ARRAY['login','http_request','command','connection'])[1 + n %% 4],
                (ARRAY['failure','success'])[1 + n %% 2], 'bench event ' || n, 'raw line ' || n, '{}'::jsonb,
                true, '', false
            FROM (SELECT n, now() - (n::float / %(events)s) * make_interval(days => %(days)s) AS stamp
                  FROM generate_series(1, %(events)s) AS n) AS g
            """,
            {"org": organization_id, "events": events, "days": days},
        )
        cursor.execute(
            """
            INSERT INTO incidents_threat (id, organization_id, created_at, updated_at, human_id, threat_type,
                title, severity, confidence, status, mitre_techniques, source_ip, target, iocs,
                recommended_actions, impact_usd, raw_log, timeline, detector, dedupe_key, event_count,
                synthetic, first_seen_at, last_seen_at, detected_at, mitigated_at)
            SELECT md5('bench-threat-' || n)::uuid, %(org)s, stamp, stamp, 'THR-2026-B' || lpad(n::text, 6, '0'),
                (ARRAY['brute_force_attack','sql_injection','port_scan','ddos','malware_download','xss'])[1 + n %% 6],
                'bench threat', (ARRAY['low','medium','high','critical'])[1 + n %% 4], 0.5 + (n %% 50) / 100.0,
                status, '["T1110.001"]'::jsonb, ('198.51.' || (n %% 250) || '.' || (n %% 249 + 1))::inet, 'web01',
                '{}'::jsonb, '[]'::jsonb, 1000 * (1 + n %% 7), '', '[]'::jsonb, 'sigma', 'bench|' || n, 1 + n %% 20,
                n %% 10 = 0, stamp, stamp, stamp,
                CASE WHEN status = 'mitigated' THEN stamp + (5 + n %% 600) * interval '1 second' END
            FROM (SELECT n, now() - (n::float / %(threats)s) * make_interval(days => %(days)s) AS stamp,
                         (ARRAY['detected','analyzing','mitigated','mitigated','mitigated','false_positive'])[1 + n %% 6]
                             AS status
                  FROM generate_series(1, %(threats)s) AS n) AS g
            """,
            {"org": organization_id, "threats": threats, "days": days},
        )
    loaded = time.perf_counter() - started
    connection.cursor().execute("VACUUM ANALYZE incidents_event")
    connection.cursor().execute("VACUUM ANALYZE incidents_threat")
    return {"events": events, "threats": threats, "load_seconds": round(loaded, 2)}


def _time_dashboard(organization) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from incidents.analytics.selectors import dashboard

    dashboard(organization)  # warm the cache and the plan
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            data = dashboard(organization)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plans.append({"sql": query["sql"], "plan": [line for (line,) in cursor.fetchall()]})
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
        "queries": len(queries.captured_queries),
        "this_week_threats": data["this_week"]["threats_detected"],
        "today_events": data["today"]["events_ingested"],
        "plans": plans,
    }


def measure(database_url: str) -> dict:
    _setup(database_url)
    from django.db import connection

    from incidents.models import Event
    from organizations.models import Organization

    organization, _ = Organization.objects.get_or_create(
        slug="bench-analytics", defaults={"name": "Bench analytics"}
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_threat WHERE organization_id = %s", [organization.pk])
        cursor.execute("DELETE FROM incidents_event WHERE organization_id = %s", [organization.pk])
    loaded = load(organization.pk, events=EVENTS, threats=THREATS)
    assert Event.objects.for_organization(organization).count() == EVENTS
    indexed = _time_dashboard(organization)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS threat_dashboard")
        cursor.execute("ANALYZE incidents_threat")
    without = _time_dashboard(organization)
    with connection.cursor() as cursor:  # put the migration's index back
        cursor.execute(
            "CREATE INDEX threat_dashboard ON incidents_threat (organization_id, detected_at) "
            "INCLUDE (status, threat_type, impact_usd, mitigated_at, synthetic)"
        )
    indexes = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('incidents_threat', 'incidents_event') "
            "ORDER BY tablename, indexname"
        )
        indexes = [{"name": name, "definition": definition} for name, definition in cursor.fetchall()]
    return {"load": loaded, "with_index": indexed, "without_index": without, "indexes": indexes}


def report(results: dict) -> str:
    pg = results["postgresql"]
    load, with_index, without = pg["load"], pg["with_index"], pg["without_index"]
    lines = [
        "# SOC analytics dashboard on PostgreSQL",
        "",
        f"Measured {results['measured_at']} with `python -m bench.rows_analytics` on a shared machine "
        f"({results['cpu_count']} cores, load average {', '.join(f'{x:.1f}' for x in results['load_average'])}).",
        "",
        f"Data: one organization, {load['events']:,} events and {load['threats']:,} threats spread evenly over "
        f"{DAYS} days, generated inside PostgreSQL with `INSERT ... SELECT FROM generate_series` in "
        f"{load['load_seconds']} s, then `VACUUM ANALYZE`.",
        "",
        "`GET analytics/dashboard` runs `incidents.analytics.selectors.dashboard`: three aggregate queries "
        "(today's and the week's threats by status with conditional aggregation, the week's top threat types, "
        "today's events). Timed in-process over "
        f"{RUNS} runs after a warm-up, side by side in one run:",
        "",
        "| | p50 ms | p95 ms | max ms | SQL queries |",
        "|---|---|---|---|---|",
        f"| with `threat_dashboard` (covering index) | {with_index['p50_ms']} | {with_index['p95_ms']} | "
        f"{with_index['max_ms']} | {with_index['queries']} |",
        f"| same data, index dropped | {without['p50_ms']} | {without['p95_ms']} | {without['max_ms']} | "
        f"{without['queries']} |",
        "",
        f"Target: under 200 ms. The week holds {with_index['this_week_threats']:,} non-synthetic threats; "
        f"today {with_index['today_events']:,} events.",
        "",
        "## The indexes",
        "",
        "- `threat_dashboard` on `incidents_threat (organization_id, detected_at) INCLUDE (status, threat_type, "
        "impact_usd, mitigated_at, synthetic)` (incidents/threats/models.py, migration 0002): the week's threats "
        "of one organization are one range of the index and every column the aggregates read is in it, so "
        "PostgreSQL answers with an index-only scan and never visits the table.",
        "- `event_org_time` on `incidents_event (organization_id, timestamp)` (from the ingest migration): "
        "today's event count is an index-only range count.",
        "",
        "All indexes on the two tables after the run:",
        "",
        "```",
        *[i["definition"] for i in pg["indexes"]],
        "```",
        "",
        "## EXPLAIN (ANALYZE, BUFFERS), with the index",
        "",
    ]
    for plan in with_index["plans"]:
        lines += ["```sql", plan["sql"], "```", "```", *plan["plan"], "```", ""]
    lines += ["## EXPLAIN (ANALYZE, BUFFERS), index dropped", ""]
    for plan in without["plans"][:2]:
        lines += ["```", *plan["plan"], "```", ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--database":
        print(json.dumps(measure(sys.argv[2])))
        return
    url = os.environ.get("BENCH_POSTGRES_URL")
    if not url:
        raise SystemExit("Set BENCH_POSTGRES_URL to a PostgreSQL database this benchmark may fill.")
    import subprocess

    output = subprocess.run(
        [sys.executable, "-m", "bench.rows_analytics", "--database", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    results = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "postgresql": json.loads(output.strip().splitlines()[-1]),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    REPORT.write_text(report(results))
    print(REPORT.read_text())


if __name__ == "__main__":
    main()
