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
