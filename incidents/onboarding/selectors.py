"""Reads of enrolled agents, for onboarding views and for response (which agent takes a command)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from incidents.onboarding.models import (
    STEP_KEYS,
    STEPS,
    AgentStatus,
    DiscoveredAsset,
    EnrolledAgent,
    NetworkScan,
    OnboardingSession,
    StepStatus,
)


def agents_of(*, organization) -> QuerySet[EnrolledAgent]:
    return EnrolledAgent.objects.for_organization(organization).select_related("sensor")


def agent_for_sensor(sensor) -> EnrolledAgent | None:
    """The agent behind a signed request's sensor (None for a plain sensor such as a honeypot)."""
    if sensor is None:
        return None
    return (
        EnrolledAgent.objects.for_organization(sensor.organization_id)
        .filter(sensor_id=sensor.pk, status=AgentStatus.ACTIVE)
        .first()
    )


def agents_capable(*, organization, capability: str, hostname: str | None = None) -> list[EnrolledAgent]:
    """Active agents with a recent heartbeat that declare `capability`, freshest first."""
    since = timezone.now() - timedelta(seconds=settings.AGENT_ONLINE_SECONDS)
    queryset = EnrolledAgent.objects.for_organization(organization).filter(
        status=AgentStatus.ACTIVE, last_heartbeat_at__gte=since
    )
    if hostname:
        queryset = queryset.filter(hostname__iexact=hostname)
    return [agent for agent in queryset.order_by("-last_heartbeat_at") if capability in agent.capabilities]


def agent_get(*, organization, agent_id) -> EnrolledAgent | None:
    return EnrolledAgent.objects.for_organization(organization).filter(pk=agent_id).first()


def commands_pending(*, agent: EnrolledAgent) -> int:
    """Commands queued for the agent (the response app's queue, read through the agent's relation)."""
    return agent.commands.filter(status="queued").count()


def session_get(*, organization) -> OnboardingSession | None:
    return OnboardingSession.objects.for_organization(organization).first()


def latest_scan(*, organization) -> NetworkScan | None:
    return NetworkScan.objects.for_organization(organization).order_by("-created_at").first()


def assets_of(*, organization) -> QuerySet[DiscoveredAsset]:
    """Discovered assets with their open services (one extra query for all of them)."""
    return (
        DiscoveredAsset.objects.for_organization(organization)
        .select_related("scan")
        .prefetch_related("services")
    )


def asset_get(*, organization, asset_id) -> DiscoveredAsset | None:
    return assets_of(organization=organization).filter(pk=asset_id).first()


def discovery_summary(*, organization) -> dict[str, Any]:
    """What onboarding found so far: assets by guessed OS, enrolled and online agents."""
    by_os = dict(
        DiscoveredAsset.objects.for_organization(organization)
        .values_list("os_guess")
        .annotate(n=Count("id"))
        .values_list("os_guess", "n")
    )
    since = timezone.now() - timedelta(seconds=settings.AGENT_ONLINE_SECONDS)
    agents = EnrolledAgent.objects.for_organization(organization).filter(status=AgentStatus.ACTIVE)
    counts = agents.aggregate(total=Count("id"), online=Count("id", filter=Q(last_heartbeat_at__gte=since)))
    return {
        "assets_discovered": sum(by_os.values()),
        "assets_by_os": by_os,
        "agents_enrolled": counts["total"],
        "agents_online": counts["online"],
    }


def onboarding_status(*, organization) -> dict[str, Any]:
    """Progress, current step, what is left and what was found; a not_started report before start."""
    session = session_get(organization=organization)
    scan = latest_scan(organization=organization)
    findings: dict[str, Any] = {**discovery_summary(organization=organization), "latest_scan": scan}
    findings["deployment_plan"] = findings["validation"] = None
    if session is None:
        steps = [
            {"key": key, "title": title, "status": StepStatus.PENDING, "at": None, "detail": ""}
            for key, title in STEPS
        ]
        return {
            "session_id": None,
            "status": "not_started",
            "current_step": "start",
            "progress_percent": 0,
            "steps": steps,
            "remaining_steps": list(STEP_KEYS),
            "profile": None,
            "permissions": None,
            "findings": findings,
            "started_at": None,
            "started_by": None,
            "completed_at": None,
            "completed_by": None,
            "skipped_at": None,
            "skipped_by": None,
            "skip_reason": "",
        }
    steps = []
    for key, title in STEPS:
        entry = session.steps.get(key, {})
        steps.append(
            {
                "key": key,
                "title": title,
                "status": session.step_status(key),
                "at": entry.get("at"),
                "detail": entry.get("detail", ""),
            }
        )
    done = sum(1 for step in steps if step["status"] == StepStatus.DONE)
    plan = session.deployment_plan or {}
    if plan:
        findings["deployment_plan"] = {
            "version": plan["version"],
            "generated_at": session.plan_generated_at,
            "assets": plan["summary"]["assets"],
            "agents_required": plan["summary"]["agents_required"],
        }
    if session.validated_at is not None and session.validation:
        checked = session.validation.get("assets", [])
        findings["validation"] = {
            "passed": session.validation_passed,
            "validated_at": session.validated_at,
            "ok": sum(1 for asset in checked if asset["status"] == "ok"),
            "missing": sum(1 for asset in checked if asset["status"] != "ok"),
        }
    return {
        "session_id": session.pk,
        "status": session.status,
        "current_step": session.current_step(),
        "progress_percent": 100 if session.status == "completed" else round(100 * done / len(steps)),
        "steps": steps,
        "remaining_steps": []
        if not session.is_open
        else [s["key"] for s in steps if s["status"] != StepStatus.DONE],
        "profile": session.profile or None,
        "permissions": session.permissions or None,
        "findings": findings,
        "started_at": session.created_at,
        "started_by": session.started_by_id,
        "completed_at": session.completed_at,
        "completed_by": session.completed_by_id,
        "skipped_at": session.skipped_at,
        "skipped_by": session.skipped_by_id,
        "skip_reason": session.skip_reason,
    }
