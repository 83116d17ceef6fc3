"""The models of every bounded context under incidents/, gathered for Django's app registry."""

from incidents.detection.models import CorrelationHit, DetectionRule, RuleException, RuleKind, RuleOrigin
from incidents.ingest.models import BatchStatus, Event, IngestBatch, Sensor, SourceType
from incidents.intel.models import Indicator, IndicatorType
from incidents.simulation.models import AttackSimulation, SimulationStatus
from incidents.threats.models import (
    CostModel,
    DetectionSettings,
    IdentifierSequence,
    Incident,
    IncidentObservable,
    IncidentStatus,
    Severity,
    Threat,
    ThreatStatus,
)
from incidents.workspace.models import IncidentActivity, IncidentComment

__all__ = [
    "AttackSimulation",
    "BatchStatus",
    "CorrelationHit",
    "CostModel",
    "DetectionRule",
    "DetectionSettings",
    "Event",
    "IdentifierSequence",
    "Incident",
    "IncidentActivity",
    "IncidentComment",
    "IncidentObservable",
    "IncidentStatus",
    "Indicator",
    "IndicatorType",
    "IngestBatch",
    "RuleException",
    "RuleKind",
    "RuleOrigin",
    "Sensor",
    "Severity",
    "SimulationStatus",
    "SourceType",
    "Threat",
    "ThreatStatus",
]
