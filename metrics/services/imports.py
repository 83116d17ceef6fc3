"""CSV import into a catalog: every row validated first, then all rows saved or none.

`field_mapping` maps Palisade's fields to the file's column headers, e.g.
`{"name": "Metric Name", "target_value": "Target"}`. Unmapped fields are matched to columns of
the same name (case and spaces ignored; `function`, `category`, `target`, `current` also work),
so a file written by `metrics/export` imports as it is. Rows are numbered as a spreadsheet shows
them: the header is row 1. Blank rows, and rows whose name already exists in the catalog or
earlier in the file, are skipped; any invalid row makes the whole file fail with every problem
listed, and nothing is imported.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.db import transaction

from config.api.errors import ApplicationError, ErrorCode
from metrics.models import Catalog, MetricSource
from metrics.selectors.frameworks import mapping_errors
from metrics.services.metrics import (
    NumberAllocator,
    build_metric,
    clean_direction,
    clean_name,
    clean_number,
    clean_priority,
    existing_names,
    lock_catalog,
    metrics_bulk_insert,
)

FIELDS = (
    "name",
    "description",
    "current_value",
    "target_value",
    "unit",
    "direction",
    "priority",
    "framework",
    "csf_function",
    "csf_category",
    "subcategory",
)
REQUIRED = ("name", "target_value", "csf_category")
ALIASES = {
    "function": "csf_function",
    "category": "csf_category",
    "target": "target_value",
    "current": "current_value",
    "value": "current_value",
    "subcategory_code": "subcategory",
    "metric_name": "name",
}
CSV_TYPES = {
    "text/csv",
    "application/csv",
    "text/plain",
    "application/vnd.ms-excel",
    "text/comma-separated-values",
    "application/octet-stream",
}
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook or ZIP archive",
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "a legacy Office file",
}
_ESCAPED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def _reject(message: str, **details: Any) -> ApplicationError:
    return ApplicationError(ErrorCode.VALIDATION_ERROR, message, {"fields": {"file": [message]}, **details})


def _key(header: str) -> str:
    return "_".join((header or "").strip().lower().replace("-", " ").split())


def read_csv_upload(upload) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (row number, row) pairs of an uploaded CSV, or a clear rejection."""
    if upload is None:
        raise _reject("Attach the CSV as the multipart field `file`.")
    if upload.size > settings.METRICS_IMPORT_MAX_BYTES:
        raise ApplicationError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"The file is {upload.size} bytes; the limit is {settings.METRICS_IMPORT_MAX_BYTES} bytes.",
            {"max_bytes": settings.METRICS_IMPORT_MAX_BYTES},
        )
    name = (upload.name or "").lower()
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if not name.endswith(".csv") and content_type not in CSV_TYPES - {
        "application/octet-stream",
        "text/plain",
    }:
        raise _reject(
            f"Only CSV files can be imported; {upload.name!r} ({content_type or 'unknown type'}) is not one."
        )
    raw = upload.read(settings.METRICS_IMPORT_MAX_BYTES + 1)
    for signature, kind in _BINARY_SIGNATURES.items():
        if raw.startswith(signature):
            raise _reject(f"The file is {kind}, not CSV; save it as CSV (UTF-8) and import that.")
    if b"\x00" in raw:
        raise _reject("The file contains binary data; it is not a CSV text file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _reject("The file is not UTF-8 text; save it as CSV (UTF-8).") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows: list[tuple[int, dict[str, str]]] = []
        for row in reader:
            if len(rows) >= settings.METRICS_IMPORT_MAX_ROWS:
                raise _reject(f"The file has more than {settings.METRICS_IMPORT_MAX_ROWS} rows; split it.")
            if None in row:
                raise _reject(f"Row {reader.line_num} has more cells than the header.", row=reader.line_num)
            rows.append((reader.line_num, {(k or "").strip(): (v or "") for k, v in row.items()}))
    except csv.Error as exc:
        raise _reject(f"The CSV could not be parsed near row {reader.line_num}: {exc}.") from None
    if not header or not any(header):
        raise _reject("The file is empty or has no header row.")
    return header, rows


def resolve_field_mapping(raw: Any, header: list[str]) -> dict[str, str]:
    """Palisade field -> column header."""
    if raw in (None, ""):
        given: dict[str, Any] = {}
    elif isinstance(raw, dict):
        given = raw
    else:
        try:
            given = json.loads(raw)
        except (TypeError, ValueError):
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "field_mapping must be a JSON object.",
                {"fields": {"field_mapping": ["Invalid JSON."]}},
            ) from None
        if not isinstance(given, dict):
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "field_mapping must be a JSON object.",
                {"fields": {"field_mapping": ["Expected an object."]}},
            )
    by_key = {_key(h): h for h in header}
    problems: dict[str, list[str]] = {}
    mapping: dict[str, str] = {}
    for field, column in given.items():
        if field not in FIELDS:
            problems[f"field_mapping.{field}"] = [f"Unknown field; map any of {', '.join(FIELDS)}."]
        elif not isinstance(column, str) or _key(column) not in by_key:
            problems[f"field_mapping.{field}"] = [
                f"The file has no column {column!r}; its columns are {', '.join(header)}."
            ]
        else:
            mapping[field] = by_key[_key(column)]
    if problems:
        first = next(iter(problems))
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, f"{first}: {problems[first][0]}", {"fields": problems}
        )
    for key, column in by_key.items():
        field = ALIASES.get(key, key)
        if field in FIELDS and field not in mapping and column not in mapping.values():
            mapping[field] = column
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"The file has no column for {', '.join(missing)}; map it with field_mapping.",
            {"fields": {"field_mapping": [f"Map {f}." for f in missing]}, "columns": header},
        )
    return mapping


def _cell(row: dict[str, str], mapping: dict[str, str], field: str) -> str:
    value = row.get(mapping[field], "") if field in mapping else ""
    value = value.strip()
    if value.startswith(_ESCAPED):
        value = value[1:]  # undo the formula-injection escape metrics/export adds
    return value


def _parse_row(row: dict[str, str], mapping: dict[str, str]) -> tuple[dict[str, Any], Any]:
    cell = {field: _cell(row, mapping, field) for field in FIELDS}
    values: dict[str, Any] = {
        "name": clean_name(cell["name"]),
        "description": cell["description"],
        "current_value": clean_number(
            cell["current_value"].rstrip("%").strip(), "current_value", required=False
        ),
        "target_value": clean_number(cell["target_value"].rstrip("%").strip(), "target_value", required=True),
        "unit": cell["unit"][:32],
        "direction": clean_direction(cell["direction"] or "higher_is_better"),
        "priority": clean_priority(cell["priority"] or "Medium"),
    }
    found, errors = mapping_errors(
        framework=cell["framework"] or None,
        function=cell["csf_function"] or None,
        category=cell["csf_category"],
        subcategory=cell["subcategory"] or None,
    )
    if found is None:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, next(iter(errors.values())), {})
    return values, found


def catalog_import(
    *, catalog: Catalog, user, upload, field_mapping: Any = None, dry_run: bool = False
) -> dict[str, Any]:
    header, rows = read_csv_upload(upload)
    mapping = resolve_field_mapping(field_mapping, header)
    with transaction.atomic():
        catalog = lock_catalog(catalog)
        names = existing_names(catalog)
        parsed, errors, skipped = [], [], []
        for number, row in rows:
            if not any(v.strip() for v in row.values()):
                skipped.append({"row": number, "reason": "Blank row."})
                continue
            if not _cell(row, mapping, "name"):
                errors.append({"row": number, "error": "Missing required field: name"})
                continue
            try:
                values, found = _parse_row(row, mapping)
            except ApplicationError as exc:
                errors.append({"row": number, "error": exc.message})
                continue
            if values["name"].lower() in names:
                skipped.append(
                    {"row": number, "reason": f"A metric named {values['name']!r} is already in the catalog."}
                )
                continue
            names.add(values["name"].lower())
            parsed.append((values, found))
        if errors:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                f"{len(errors)} row(s) are invalid, so nothing was imported; fix them and upload the file again.",
                {"imported": 0, "skipped": len(skipped), "errors": errors[:500], "error_count": len(errors)},
            )
        if not dry_run:
            allocator = NumberAllocator.for_catalog(catalog)
            metrics_bulk_insert(
                [
                    build_metric(
                        catalog=catalog,
                        mapping=found,
                        number=allocator.next(found.function.metric_prefix),
                        values=values,
                        source=MetricSource.IMPORT,
                        user=user,
                    )
                    for values, found in parsed
                ],
                user=user,
            )
    return {
        "imported": 0 if dry_run else len(parsed),
        "valid_rows": len(parsed),
        "skipped": len(skipped),
        "errors": [],
        "skipped_rows": skipped,
        "dry_run": dry_run,
        "field_mapping": mapping,
    }
