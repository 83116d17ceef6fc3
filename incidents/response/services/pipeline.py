"""The detector -> analyzer -> executor pipeline (seed D's agents): per-stage settings and recorded runs.

Each stage is a family of Celery tasks of this app, and every run is a PipelineRun row, so
GET agents/status reports from what really ran:

- detector: `response.incident_saved`, run on each new or updated incident (the incident_saved
  signal). It generates playbooks, auto-contains and evaluates triggers for incidents whose
  risk score reaches the stage's threshold (risk_score / 100 >= threshold; default 0, all).
- analyzer: `response.pipeline_analyze`, enqueued by the detector for incidents whose risk score
  reaches its threshold (default RESPONSE_PIPELINE_ANALYZER_THRESHOLD): the incident's AI analysis
  (the workspace's analysis, through the ai layer's provider interface; the local one offline).
- executor: `response.workflow_advance`, one run per workflow step finished. Its `timeout` is the
  seconds an agent has to report a step's command (AGENT_COMMAND_TTL_SECONDS else), its
  `retry_attempts` the retries a new workflow's steps get (RESPONSE_STEP_MAX_RETRIES else), and its
  `threshold` the estimated success below which a workflow needs approval even when none of its
  actions does.

`enabled=false` stops a stage: the detector and analyzer record a skipped run and do nothing; a
disabled executor starts no workflow (execute is a 409; an approved playbook stays ready).

processed_today counts today's (UTC) succeeded and failed runs; avg_processing_time_ms and
success_rate are over the same runs (success_rate is null before the first run of the day).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from incidents.response.models import PipelineRun, PipelineStage, PipelineStageConfig, RunStatus
from organizations.services.audit import audit_record

STAGES = [PipelineStage.DETECTOR, PipelineStage.ANALYZER, PipelineStage.EXECUTOR]


def _default_threshold(stage: str) -> float:
    return settings.RESPONSE_PIPELINE_ANALYZER_THRESHOLD if stage == PipelineStage.ANALYZER else 0.0


def stage_config(*, organization, stage: str) -> PipelineStageConfig:
    """The stage's stored settings, or an unsaved row with the defaults."""
    found = PipelineStageConfig.objects.for_organization(organization).filter(stage=stage).first()
    if found is not None:
        return found
    organization_id = getattr(organization, "pk", organization)
    return PipelineStageConfig(
        organization_id=organization_id, stage=stage, threshold=_default_threshold(stage)
    )


def stage_by_name(name: str) -> str:
    if name not in PipelineStage.values:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, f"No agent {name!r}.", {"agents": list(PipelineStage.values)}
        )
    return name


def stage_configure(*, organization, stage: str, values: dict[str, Any], actor=None) -> PipelineStageConfig:
    config = stage_config(organization=organization, stage=stage_by_name(stage))
    for field in ("enabled", "threshold", "timeout", "retry_attempts"):
        if field in values:
            setattr(config, field, values[field])
    config.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    config.save()
    audit_record(
        action="response.agent_configured",
        organization=organization,
        actor=actor,
        target=config,
        metadata={key: values[key] for key in values},
    )
    return config


def run_record(*, organization_id, stage: str, status: str, duration_ms: int = 0, subject="", detail=""):
    return PipelineRun.objects.create(
        organization_id=organization_id,
        stage=stage,
        status=status,
        subject=str(subject)[:80],
        duration_ms=max(0, int(duration_ms)),
        detail=str(detail)[:500],
    )


@contextmanager
def stage_run(*, organization_id, stage: str, subject="") -> Iterator[dict[str, Any]]:
    """Time a stage's work and record it: succeeded, or failed (the error re-raised)."""
    outcome: dict[str, Any] = {"detail": ""}
    started = time.monotonic()
    try:
        yield outcome
    except Exception as error:
        run_record(
            organization_id=organization_id,
            stage=stage,
            status=RunStatus.FAILED,
            duration_ms=int((time.monotonic() - started) * 1000),
            subject=subject,
            detail=f"{type(error).__name__}: {error}",
        )
        raise
    run_record(
        organization_id=organization_id,
        stage=stage,
        status=outcome.get("status", RunStatus.SUCCEEDED),
        duration_ms=int((time.monotonic() - started) * 1000),
        subject=subject,
        detail=outcome["detail"],
    )


def _skip(*, organization_id, stage: str, subject, detail: str) -> None:
    run_record(
        organization_id=organization_id, stage=stage, status=RunStatus.SKIPPED, subject=subject, detail=detail
    )


def detector_run(*, organization_id, incident_id, created: bool) -> None:
    """The detector stage on one new or updated incident; hands qualifying incidents to the analyzer."""
    from config.tasks import enqueue
    from incidents.response import tasks
    from incidents.response.services.automation import incident_respond
    from incidents.threats.models import Incident

    incident = Incident.objects.for_organization(organization_id).filter(pk=incident_id).first()
    if incident is None:
        return
    config = stage_config(organization=organization_id, stage=PipelineStage.DETECTOR)
    if not config.enabled:
        _skip(
            organization_id=organization_id, stage=config.stage, subject=incident.human_id, detail="disabled"
        )
        return
    if incident.risk_score / 100 < config.threshold:
        _skip(
            organization_id=organization_id,
            stage=config.stage,
            subject=incident.human_id,
            detail=f"risk {incident.risk_score} below threshold {config.threshold}",
        )
        return
    with stage_run(organization_id=organization_id, stage=config.stage, subject=incident.human_id):
        incident_respond(organization_id=organization_id, incident_id=incident_id, created=created)
    analyzer = stage_config(organization=organization_id, stage=PipelineStage.ANALYZER)
    if analyzer.enabled and incident.risk_score / 100 >= analyzer.threshold:
        enqueue(tasks.pipeline_analyze, organization_id=str(organization_id), incident_id=str(incident_id))


def analyzer_run(*, organization_id, incident_id) -> None:
    """The analyzer stage: the incident's AI analysis, once per change of the incident."""
    from incidents.threats.models import Incident
    from incidents.workspace.analysis import incident_ai_analysis

    incident = (
        Incident.objects.for_organization(organization_id)
        .select_related("organization")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        return
    config = stage_config(organization=organization_id, stage=PipelineStage.ANALYZER)
    if not config.enabled or incident.risk_score / 100 < config.threshold:
        _skip(
            organization_id=organization_id,
            stage=config.stage,
            subject=incident.human_id,
            detail="disabled" if not config.enabled else f"risk {incident.risk_score} below threshold",
        )
        return
    if incident.ai_analyzed_at is not None and incident.ai_analyzed_at >= incident.last_seen_at:
        return  # a redelivery, or nothing new since the last analysis
    with stage_run(organization_id=organization_id, stage=config.stage, subject=incident.human_id) as run:
        incident_ai_analysis(incident=incident, user=None)
        run["detail"] = (
            f"{len((incident.ai_analysis or {}).get('recommended_actions') or [])} recommendations"
        )


def executor_record(*, step) -> None:
    """A workflow step finished: one executor run."""
    run_record(
        organization_id=step.organization_id,
        stage=PipelineStage.EXECUTOR,
        status=RunStatus.SUCCEEDED if step.status == "succeeded" else RunStatus.FAILED,
        duration_ms=step.duration_ms or 0,
        subject=f"{step.workflow.human_id}#{step.order}",
        detail=(step.error or step.result)[:500],
    )


def executor_enabled(*, organization) -> bool:
    return stage_config(organization=organization, stage=PipelineStage.EXECUTOR).enabled


def pipeline_status(*, organization) -> list[dict[str, Any]]:
    day = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = {
        row["stage"]: row
        for row in PipelineRun.objects.for_organization(organization)
        .filter(created_at__gte=day, status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED])
        .values("stage")
        .annotate(
            done=Count("id"),
            ok=Count("id", filter=Q(status=RunStatus.SUCCEEDED)),
            avg=Avg("duration_ms"),
        )
    }
    configs = {c.stage: c for c in PipelineStageConfig.objects.for_organization(organization)}
    agents = []
    for stage in STAGES:
        row = rows.get(stage, {"done": 0, "ok": 0, "avg": None})
        config = configs.get(stage)
        agents.append(
            {
                "name": stage.value,
                "status": "disabled" if config is not None and not config.enabled else "active",
                "processed_today": row["done"],
                "avg_processing_time_ms": int(row["avg"] or 0),
                "success_rate": round(row["ok"] / row["done"], 4) if row["done"] else None,
            }
        )
    return agents
