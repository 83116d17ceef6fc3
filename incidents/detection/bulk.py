"""Multi-row INSERTs without the ORM's per-object bookkeeping, for detection's bookkeeping rows.

Detection writes a few hundred small rows per batch (correlation buckets, threat-event links). The
ORM's bulk_create spends most of its time compiling one expression per field and row; these rows
need none of it (no RETURNING, no signals, no defaults beyond the timestamps set here), so they go
out as plain parameterised multi-row INSERT statements, values prepared by the model fields
themselves (so dates, JSON and UUIDs are written exactly as the ORM would write them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def insert_rows(model: type[models.Model], field_names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT rows (tuples in `field_names` order) into the model's table; returns how many."""
    fields: list[Any] = [model._meta.get_field(name) for name in field_names]
    prepared = [
        [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)]
        for row in rows
    ]
    if not prepared:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(500, connection.ops.bulk_batch_size(fields, prepared)))
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), size):
            chunk = prepared[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}",  # noqa: S608
                [value for row in chunk for value in row],
            )
    return len(prepared)


def update_rows(objects: Sequence[models.Model], field_names: Sequence[str]) -> int:
    """UPDATE these fields of these (same-model, same-organization-scoped) objects in one
    executemany, keyed by id and organization: Django's bulk_update builds a CASE expression per
    field and row instead."""
    if not objects:
        return 0
    model = type(objects[0])
    fields: list[Any] = [model._meta.get_field(name) for name in field_names]
    key: Any = model._meta.pk
    tenant: Any = model._meta.get_field("organization")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    rows = [
        [
            *(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields),
            key.get_db_prep_value(obj.pk, connection),
            tenant.get_db_prep_save(obj.organization_id, connection),  # type: ignore[attr-defined]
        ]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE {quote(key.column)} = %s AND {quote(tenant.column)} = %s",  # noqa: S608
            rows,
        )
    return len(rows)


def counters_add(
    model: type[models.Model],
    *,
    organization_id: Any,
    counter: str,
    amounts: dict[Any, int],
    assign: dict[str, dict[Any, Any]] | None = None,
) -> int:
    """`counter = counter + amount` (and optionally `field = value`) for many rows of one
    organization in one executemany, instead of one UPDATE ... F() per row."""
    rows_by_pk = {pk: amount for pk, amount in amounts.items() if pk is not None}
    if not rows_by_pk:
        return 0
    quote = connection.ops.quote_name
    key: Any = model._meta.pk
    tenant: Any = model._meta.get_field("organization")
    counted: Any = model._meta.get_field(counter)
    column = quote(counted.column)
    extra: list[Any] = [model._meta.get_field(name) for name in (assign or {})]
    assignments = ", ".join([f"{column} = {column} + %s", *(f"{quote(f.column)} = %s" for f in extra)])
    rows = [
        [
            amount,
            *(f.get_db_prep_save((assign or {})[f.name][pk], connection) for f in extra),
            key.get_db_prep_value(pk, connection),
            tenant.get_db_prep_save(organization_id, connection),
        ]
        for pk, amount in rows_by_pk.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote(key.column)} = %s AND {quote(tenant.column)} = %s",
            rows,
        )
    return len(rows)
