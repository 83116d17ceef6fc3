"""Ingestion and detection (incidents app)."""

from typing import cast

from config.env import IS_PRODUCTION, env
from config.settings.api import SPECTACULAR_SETTINGS

# Device HMAC: requests whose X-TS is further than this from the server clock are refused; each
# X-Nonce is remembered in the cache for twice this long and accepted once.
INGEST_HMAC_WINDOW_SECONDS = env.int("INGEST_HMAC_WINDOW_SECONDS", default=300)
# One ingest request carries at most this many events, and at most this many bytes (413 past it).
INGEST_MAX_BATCH_EVENTS = env.int("INGEST_MAX_BATCH_EVENTS", default=1000)
INGEST_MAX_BATCH_BYTES = env.int("INGEST_MAX_BATCH_BYTES", default=2 * 1024 * 1024)
# POST ingest/synthetic (admin only) generates test events. Off in production unless set.
INGEST_SYNTHETIC_ENABLED = env.bool("INGEST_SYNTHETIC_ENABLED", default=not IS_PRODUCTION)
# Threats of one rule from one source within this many seconds are one threat (updated, not repeated).
DETECTION_THREAT_DEDUPE_SECONDS = env.int("DETECTION_THREAT_DEDUPE_SECONDS", default=3600)
# Threats from one source within this many seconds of an open incident's last activity join it.
DETECTION_INCIDENT_WINDOW_SECONDS = env.int("DETECTION_INCIDENT_WINDOW_SECONDS", default=3600)
# Correlation hits older than this are pruned (longer than any supported timespan needs).
DETECTION_CORRELATION_RETENTION_SECONDS = env.int("DETECTION_CORRELATION_RETENTION_SECONDS", default=86400)

# OpenAPI: stable enum names for this app's `status` and `kind` fields. Updated in place so that any
# settings module that later copies the overrides keeps these entries whatever the import order.
_ENUMS = cast(dict[str, str], SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}))
_ENUMS.update(
    {
        "ThreatStatusEnum": "incidents.threats.models.ThreatStatus",
        "IngestBatchStatusEnum": "incidents.ingest.models.BatchStatus",
        "SensorKindEnum": "incidents.ingest.models.SourceType",
        "RuleKindEnum": "incidents.detection.models.RuleKind",
        "IncidentStatusEnum": "incidents.threats.models.IncidentStatus",
    }
)
