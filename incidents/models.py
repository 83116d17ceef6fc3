"""The models of every bounded context under incidents/, gathered for Django's app registry."""

from incidents.detection.models import CorrelationHit, DetectionRule, RuleException, RuleKind, RuleOrigin
from incidents.ingest.models import BatchStatus, Event, IngestBatch, Sensor, SourceType
from incidents.intel.models import Indicator, IndicatorType
from incidents.threats.models import (
    CostModel,
    IdentifierSequence,
    Incident,
    IncidentStatus,
    Severity,
    Threat,
    ThreatStatus,
)

__all__ = [
    "BatchStatus",
    "CorrelationHit",
    "CostModel",
    "DetectionRule",
    "Event",
    "IdentifierSequence",
    "Incident",
    "IncidentStatus",
    "Indicator",
    "IndicatorType",
    "IngestBatch",
    "RuleException",
    "RuleKind",
    "RuleOrigin",
    "Sensor",
    "Severity",
    "SourceType",
    "Threat",
    "ThreatStatus",
]
