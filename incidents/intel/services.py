"""Indicators: validation, CRUD, CSV and STIX 2.1 import (all or nothing: one bad row, nothing saved)."""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
from typing import Any

import stix2
from django.db import transaction
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from incidents.ingest.parsers import parse_timestamp
from incidents.intel.models import Indicator, IndicatorType
from organizations.services.audit import audit_record

DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
HEX: dict[str, re.Pattern[str]] = {
    IndicatorType.SHA256: re.compile(r"^[0-9a-f]{64}$"),
    IndicatorType.MD5: re.compile(r"^[0-9a-f]{32}$"),
}
MAX_IMPORT_ROWS = 50_000
STIX_COMPARISON = re.compile(
    r"(ipv4-addr|ipv6-addr|domain-name|url|file):(value|hashes\.(?:'[^']+'|[A-Za-z0-9-]+))\s*=\s*'((?:[^'\\]|\\.)*)'"
)


def normalise(kind: str, value: str) -> str:
    """The canonical form of an indicator value, or ValueError saying why it is not one."""
    value = (value or "").strip()
    if kind == IndicatorType.IP:
        return str(ipaddress.ip_address(value))
    if kind == IndicatorType.CIDR:
        return str(ipaddress.ip_network(value, strict=False))
    if kind == IndicatorType.DOMAIN:
        domain = value.lower().rstrip(".")
        if not DOMAIN.match(domain):
            raise ValueError(f"{value!r} is not a domain name")
        return domain
    if kind == IndicatorType.URL:
        if not re.match(r"^(?:https?|ftp)://\S+$", value, re.IGNORECASE):
            raise ValueError(f"{value!r} is not an http(s) or ftp URL")
        return value
    if kind in HEX:
        digest = value.lower()
        if not HEX[kind].match(digest):
            raise ValueError(f"{value!r} is not a {kind} digest")
        return digest
    raise ValueError(f"unknown indicator type {kind!r}")


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    kind = str(row.get("type") or "").strip().lower()
    clean: dict[str, Any] = {"type": kind, "value": normalise(kind, str(row.get("value") or ""))}
    confidence = row.get("confidence")
    if confidence not in (None, ""):
        number = int(confidence)
        if not 0 <= number <= 100:
            raise ValueError("confidence is 0-100")
        clean["confidence"] = number
    for key in ("first_seen", "last_seen", "expires_at"):
        raw = row.get(key)
        if raw not in (None, ""):
            stamp = parse_timestamp(raw)
            if stamp is None:
                raise ValueError(f"{key} {raw!r} is not an ISO 8601 date")
            clean[key] = stamp
    for key, limit in (("source", 200), ("description", 1000), ("stix_id", 100)):
        if row.get(key):
            clean[key] = str(row[key])[:limit]
    return clean


def _upsert(organization, rows: list[dict[str, Any]]) -> dict[str, int]:
    created = updated = 0
    for row in rows:
        defaults = {k: v for k, v in row.items() if k not in ("type", "value")}
        _, was_created = Indicator.objects.for_organization(organization).update_or_create(
            organization=organization, type=row["type"], value=row["value"], defaults=defaults
        )
        created += was_created
        updated += not was_created
    return {"created": created, "updated": updated}


@transaction.atomic
def indicator_create(*, organization, actor=None, request=None, **data: Any) -> Indicator:
    try:
        clean = _clean(data)
    except ValueError as exc:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, str(exc), {"value": [str(exc)]}) from exc
    if (
        Indicator.objects.for_organization(organization)
        .filter(type=clean["type"], value=clean["value"])
        .exists()
    ):
        raise ApplicationError(ErrorCode.CONFLICT, f"The indicator {clean['type']}:{clean['value']} exists.")
    indicator = Indicator.objects.create(organization=organization, **clean)
    audit_record(
        action="indicator.created", organization=organization, actor=actor, target=indicator, request=request
    )
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor=None, request=None, **changes: Any) -> Indicator:
    for key, value in changes.items():
        setattr(indicator, key, value)
    indicator.save()
    audit_record(
        action="indicator.updated",
        organization=indicator.organization,
        actor=actor,
        target=indicator,
        request=request,
    )
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor=None, request=None) -> None:
    audit_record(
        action="indicator.deleted",
        organization=indicator.organization,
        actor=actor,
        target=indicator,
        request=request,
    )
    indicator.delete()


def _refuse(errors: list[dict[str, Any]]) -> ApplicationError:
    first = errors[0]
    return ApplicationError(
        ErrorCode.VALIDATION_ERROR,
        f"Nothing was imported: row {first['row']}: {first['error']}",
        {"errors": errors[:100], "error_count": len(errors)},
    )


@transaction.atomic
def indicators_import_csv(
    *, organization, text: str, source: str = "", actor=None, request=None
) -> dict[str, int]:
    """CSV with a header: type,value and optionally source,confidence,first_seen,last_seen,expires_at,description."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"type", "value"} <= {f.strip().lower() for f in reader.fieldnames}:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "The CSV needs a header with at least `type` and `value`."
        )
    rows, errors = [], []
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            raise ApplicationError(ErrorCode.PAYLOAD_TOO_LARGE, f"At most {MAX_IMPORT_ROWS} rows per import.")
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if source and not row.get("source"):
            row["source"] = source
        try:
            rows.append(_clean(row))
        except (ValueError, TypeError) as exc:
            errors.append({"row": number, "error": str(exc)})
    if errors:
        raise _refuse(errors)
    if not rows:
        raise ApplicationError(ErrorCode.VALIDATION_ERROR, "The CSV has no rows.")
    counts = _upsert(organization, rows)
    audit_record(
        action="indicator.imported",
        organization=organization,
        actor=actor,
        request=request,
        metadata={"format": "csv", **counts},
    )
    return counts


def _stix_rows(indicator: Any, source: str) -> list[dict[str, Any]]:
    if getattr(indicator, "pattern_type", "stix") != "stix":
        raise ValueError(f"pattern_type {indicator.pattern_type!r} is not supported (only stix)")
    found = STIX_COMPARISON.findall(indicator.pattern)
    if not found:
        raise ValueError(f"no supported comparison in pattern {indicator.pattern!r}")
    rows = []
    for object_type, path, value in found:
        value = value.replace("\\'", "'").replace("\\\\", "\\")
        if object_type in ("ipv4-addr", "ipv6-addr"):
            kind = IndicatorType.CIDR if "/" in value else IndicatorType.IP
        elif object_type == "domain-name":
            kind = IndicatorType.DOMAIN
        elif object_type == "url":
            kind = IndicatorType.URL
        else:
            algorithm = path.split(".", 1)[1].strip("'").upper().replace("-", "")
            kinds = {"SHA256": IndicatorType.SHA256, "MD5": IndicatorType.MD5}
            if algorithm not in kinds:
                continue
            kind = kinds[algorithm]
        rows.append(
            {
                "type": kind,
                "value": value,
                "source": source,
                "confidence": getattr(indicator, "confidence", None)
                if getattr(indicator, "confidence", None) is not None
                else "",
                "first_seen": indicator.valid_from.isoformat()
                if getattr(indicator, "valid_from", None)
                else "",
                "expires_at": indicator.valid_until.isoformat()
                if getattr(indicator, "valid_until", None)
                else "",
                "description": getattr(indicator, "name", "") or getattr(indicator, "description", "") or "",
                "stix_id": indicator.id,
            }
        )
    return rows


@transaction.atomic
def indicators_import_stix(
    *, organization, bundle: Any, source: str = "", actor=None, request=None
) -> dict[str, int]:
    """A STIX 2.1 bundle, parsed and validated with the stix2 library; its `indicator` objects with
    stix patterns over ipv4/ipv6 addresses, domain names, URLs and file hashes become indicators."""
    try:
        parsed = stix2.parse(
            json.dumps(bundle) if not isinstance(bundle, str) else bundle, allow_custom=True, version="2.1"
        )
    except Exception as exc:  # stix2 raises several exception types for malformed input
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, f"Not a valid STIX 2.1 bundle: {exc}", {"bundle": [str(exc)]}
        ) from exc
    objects = getattr(parsed, "objects", None) or [parsed]
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for number, obj in enumerate(objects, start=1):
        if getattr(obj, "type", "") != "indicator":
            continue
        try:
            rows.extend(_clean(row) for row in _stix_rows(obj, source or "stix"))
        except (ValueError, TypeError) as exc:
            errors.append({"row": number, "error": str(exc), "id": getattr(obj, "id", "")})
    if errors:
        raise _refuse(errors)
    if not rows:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "The bundle has no indicator this importer supports."
        )
    counts = _upsert(organization, rows)
    audit_record(
        action="indicator.imported",
        organization=organization,
        actor=actor,
        request=request,
        metadata={"format": "stix2.1", **counts, "at": timezone.now().isoformat()},
    )
    return counts
