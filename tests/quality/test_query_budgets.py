"""List endpoints cost the same number of SQL queries for 1 row as for 30 (no N+1).

Every paginated list in the schema is measured, once as is and once with each boolean query
parameter switched on (`include_members=true` embeds related rows: the risky case).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for
from tests.quality.openapi import operations, resolve_ref
from tests.quality.resources import populator_for

# Lists that cannot be populated through a creator, with the reason.
UNBUDGETED: dict[str, str] = {}

LISTS = [op for op in operations() if op.is_list and not op.public]


def variants(op) -> list[dict]:
    flags = [
        p["name"]
        for p in op.spec.get("parameters", [])
        if p.get("in") == "query" and resolve_ref(p.get("schema", {})).get("type") == "boolean"
    ]
    return [{}] + [{flag: "true"} for flag in flags]


CASES = [(op, extra) for op in LISTS if populator_for(op) for extra in variants(op)]


def test_every_list_has_a_query_budget():
    unlisted = [op.id for op in LISTS if populator_for(op) is None and op.id not in UNBUDGETED]
    assert unlisted == [], (
        "These lists have no creator to populate them (register @resource('<list>/{id}') in "
        "tests/<app>/quality_resources.py or list them in UNBUDGETED with the reason):\n  "
        + "\n  ".join(unlisted)
    )


def measure(client, op, query) -> tuple[int, list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(op.path, query)
    assert response.status_code == 200, response.content[:300]
    return len(queries), [q["sql"] for q in queries], len(response.json()["data"])


@pytest.mark.parametrize(
    ("op", "extra"),
    CASES,
    ids=[op.id + "".join(f"?{k}={v}" for k, v in extra.items()) for op, extra in CASES],
)
def test_queries_do_not_grow_with_rows(op, extra, tenant_a):
    populate = populator_for(op)
    client = client_for(tenant_a.admin)
    query = {"page_size": 100, **extra}

    populate(tenant_a)
    client.get(op.path, query)  # warm-up: one-time lookups (content types, caches) are not per row
    few, few_sql, few_rows = measure(client, op, query)
    for _ in range(29):
        populate(tenant_a)
    many, many_sql, many_rows = measure(client, op, query)

    if extra and many_rows == few_rows == 0:
        pytest.skip(f"{op.id}: {extra} is a filter the probe rows do not match; the plain list is budgeted")
    assert many_rows >= few_rows + 29, f"{op.id}: populating added {many_rows - few_rows} rows, not 29"
    extra_sql = "\n  ".join(sql[:200] for sql in many_sql[len(few_sql) :][:3])
    assert many == few, (
        f"{op.id} ran {few} queries for {few_rows} rows and {many} for {many_rows} (N+1). "
        f"First extra queries:\n  {extra_sql}"
    )
