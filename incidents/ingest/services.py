"""Ingest: sensors, and batches of raw items parsed, normalised and bulk-inserted in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from config.tasks import enqueue
from incidents.ingest import secrets
from incidents.ingest.models import Event, IngestBatch, Sensor
from incidents.ingest.parsers import SOURCE_ALIASES, parse
from organizations.services.audit import audit_record

EVENT_FIELDS = (
    "timestamp",
    "source_type",
    "src_ip",
    "src_port",
    "dst_ip",
    "dst_port",
    "user",
    "action",
    "outcome",
    "message",
    "raw",
    "fields",
    "parsed",
    "parse_error",
)


@transaction.atomic
def sensor_create(*, organization, name: str, kind: str, description: str = "", actor=None, request=None):
    if Sensor.objects.for_organization(organization).filter(name=name).exists():
        raise ApplicationError(ErrorCode.CONFLICT, f"A sensor named {name!r} already exists.", {"name": name})
    secret = secrets.new_secret()
    sensor = Sensor.objects.create(
        organization=organization,
        name=name,
        kind=kind,
        description=description,
        secret_encrypted=secrets.encrypt(secret),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="sensor.created", organization=organization, actor=actor, target=sensor, request=request
    )
    return sensor, secret


@transaction.atomic
def sensor_rotate_secret(*, sensor: Sensor, actor=None, request=None) -> str:
    secret = secrets.new_secret()
    sensor.secret_encrypted = secrets.encrypt(secret)
    sensor.save(update_fields=["secret_encrypted", "updated_at"])
    audit_record(
        action="sensor.secret_rotated",
        organization=sensor.organization,
        actor=actor,
        target=sensor,
        request=request,
    )
    return secret


@transaction.atomic
def sensor_update(*, sensor: Sensor, actor=None, request=None, **changes: Any) -> Sensor:
    for key, value in changes.items():
        setattr(sensor, key, value)
    sensor.full_clean()
    sensor.save()
    audit_record(
        action="sensor.updated", organization=sensor.organization, actor=actor, target=sensor, request=request
    )
    return sensor


@transaction.atomic
def sensor_delete(*, sensor: Sensor, actor=None, request=None) -> None:
    audit_record(
        action="sensor.deleted", organization=sensor.organization, actor=actor, target=sensor, request=request
    )
    sensor.delete()


@dataclass
class IngestResult:
    batch: IngestBatch
    accepted: int
    rejected: int
    unparseable: int
    errors: list[dict[str, Any]] = field(default_factory=list)


def _resolve_source(name: Any) -> str | None:
    return SOURCE_ALIASES.get(str(name).strip().lower()) if name else None


def _split_item(item: Any, default_source: str | None) -> tuple[str | None, Any, str]:
    """(source_type, payload, error) of one ingest/multi item.

    An item is a text line, a JSON object of the default source type, or an envelope
    {"source_type": ..., "line": "..."} / {"source_type": ..., "event": {...}}.
    """
    if isinstance(item, dict) and ("line" in item or "event" in item):
        source = _resolve_source(item.get("source_type")) or default_source
        payload = item.get("line", item.get("event"))
        if source is None:
            return None, None, "unknown or missing source_type"
        return source, payload, ""
    if isinstance(item, str | dict):
        if default_source is None:
            return None, None, "no source_type for this item (set it on the item or the batch)"
        return default_source, item, ""
    return None, None, "an item is a text line or a JSON object"


def events_ingest(
    *,
    organization,
    items: list[Any],
    default_source: str | None = None,
    sensor: Sensor | None = None,
    endpoint: str,
    synthetic: bool = False,
) -> IngestResult:
    """Parse every item, store the accepted ones (unparseable ones raw and flagged) in one transaction,
    and enqueue detection for the batch after commit. Items that cannot be taken at all (no source
    type, not text or an object) are rejected with a per-item error; nothing else is dropped."""
    limit = settings.INGEST_MAX_BATCH_EVENTS
    if len(items) > limit:
        raise ApplicationError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"A batch holds at most {limit} events; this one has {len(items)}.",
            {"limit": limit, "received": len(items)},
        )
    default = _resolve_source(default_source) if default_source else None
    if default_source and default is None:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown source_type {default_source!r}.",
            {"source_type": sorted(set(SOURCE_ALIASES))},
        )
    rows: list[Event] = []
    errors: list[dict[str, Any]] = []
    unparseable = 0
    for index, item in enumerate(items):
        source, payload, error = _split_item(item, default)
        if error:
            errors.append({"index": index, "error": error})
            continue
        normalised = parse(source, payload)  # type: ignore[arg-type]
        if not normalised["parsed"]:
            unparseable += 1
            errors.append({"index": index, "error": f"kept unparsed: {normalised['parse_error']}"})
        rows.append(
            Event(
                organization=organization,
                sensor=sensor,
                synthetic=synthetic,
                **{name: normalised[name] for name in EVENT_FIELDS},
            )
        )
    with transaction.atomic():
        batch = IngestBatch.objects.create(
            organization=organization,
            sensor=sensor,
            endpoint=endpoint,
            accepted=len(rows),
            rejected=len(items) - len(rows),
            unparseable=unparseable,
            synthetic=synthetic,
        )
        for row in rows:
            row.batch = batch
        Event.objects.bulk_create(rows, batch_size=500)
        if sensor is not None:
            Sensor.objects.for_organization(organization).filter(pk=sensor.pk).update(
                events_received=F("events_received") + len(rows), last_seen_at=timezone.now()
            )
        if rows:
            from incidents.tasks import detect_batch

            enqueue(detect_batch, organization_id=str(organization.pk), batch_id=str(batch.pk))
        else:
            batch.status = "done"
            batch.processed_at = timezone.now()
            batch.save(update_fields=["status", "processed_at", "updated_at"])
    return IngestResult(batch, len(rows), len(items) - len(rows), unparseable, errors)
