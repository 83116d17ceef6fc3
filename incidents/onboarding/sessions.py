"""Services of the onboarding session: start, profile, permissions, network scan, deployment plan,
validation, complete and skip. One session per organization; every write goes through here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from incidents.onboarding import deployment
from incidents.onboarding.models import (
    AgentStatus,
    AssetCheck,
    EnrolledAgent,
    NetworkScan,
    NetworkScanStatus,
    OnboardingSession,
    OnboardingStatus,
    StepStatus,
)
from incidents.onboarding.selectors import agents_of, assets_of
from organizations.services.audit import audit_record

PERMISSIONS = {
    "network_discovery": "Scan the ranges submitted during onboarding for open TCP ports.",
    "agent_deployment": "Install palisade-agent on the hosts of the deployment plan.",
    "log_collection": "Forward the hosts' security logs to Palisade.",
    "automated_response": "Let agents carry out approved response actions (block, isolate, ...).",
}


def actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def session_for_update(organization) -> OnboardingSession:
    """The organization's in-progress session, locked for the write; 409 when there is none."""
    session = OnboardingSession.objects.for_organization(organization).select_for_update(of=("self",)).first()
    if session is None:
        raise ApplicationError(
            ErrorCode.CONFLICT, "Onboarding has not been started: POST /api/v1/onboarding/start first."
        )
    if not session.is_open:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"Onboarding is already {session.status}; POST /api/v1/onboarding/start with restart=true "
            "to begin again.",
            {"status": session.status},
        )
    return session


@transaction.atomic
def session_start(
    *, organization, actor=None, restart: bool = False, request=None
) -> tuple[OnboardingSession, bool]:
    """Begin onboarding; starting again while in progress returns the same session unchanged."""
    session = OnboardingSession.objects.for_organization(organization).select_for_update(of=("self",)).first()
    now = timezone.now()
    if session is not None and (session.is_open or not restart):
        if not session.is_open:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                f"Onboarding is already {session.status}; pass restart=true to begin again.",
                {"status": session.status},
            )
        return session, False
    if session is None:
        session = OnboardingSession(organization=organization)
    else:  # restart: the same row, a fresh walk through the steps (scans and assets stay)
        session.steps = {}
        session.status = OnboardingStatus.IN_PROGRESS
        session.profile, session.permissions, session.validation = {}, {}, {}
        session.deployment_plan, session.plan_generated_at = {}, None
        session.validation_passed, session.validated_at = False, None
        session.completed_at = session.completed_by = session.skipped_at = session.skipped_by = None
        session.skip_reason = ""
    session.started_by = actor_or_none(actor)
    session.mark_step("start", StepStatus.DONE, at=now)
    if agents_of(organization=organization).exists():
        session.mark_step("agent_enrollment", StepStatus.DONE, at=now)
    session.save()
    audit_record(
        action="onboarding.started",
        organization=organization,
        actor=actor,
        target=session,
        request=request,
        metadata={"restart": restart},
    )
    return session, True


@transaction.atomic
def session_profile_save(*, organization, profile: dict[str, Any], actor=None, request=None):
    session = session_for_update(organization)
    session.profile = {**profile, "saved_at": timezone.now().isoformat()}
    session.mark_step("profile", StepStatus.DONE, at=timezone.now())
    session.save(update_fields=["profile", "steps", "updated_at"])
    audit_record(
        action="onboarding.profile_saved",
        organization=organization,
        actor=actor,
        target=session,
        request=request,
    )
    return session


@transaction.atomic
def session_permissions_save(*, organization, granted: list[str], actor=None, request=None):
    session = session_for_update(organization)
    who = actor_or_none(actor)
    session.permissions = {
        "granted": sorted(set(granted)),
        "granted_by": str(who.pk) if who else None,
        "granted_at": timezone.now().isoformat(),
    }
    session.mark_step("permissions", StepStatus.DONE, at=timezone.now())
    session.save(update_fields=["permissions", "steps", "updated_at"])
    audit_record(
        action="onboarding.permissions_granted",
        organization=organization,
        actor=actor,
        target=session,
        request=request,
        metadata={"granted": session.permissions["granted"]},
    )
    return session


@transaction.atomic
def deployment_plan_generate(*, organization, actor=None, request=None) -> OnboardingSession:
    """(Re)build the plan from every discovered asset; needs at least one completed scan."""
    session = session_for_update(organization)
    if (
        not NetworkScan.objects.for_organization(organization)
        .filter(status=NetworkScanStatus.COMPLETED)
        .exists()
    ):
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "No network scan has completed yet: POST /api/v1/onboarding/network-scan and wait for it.",
        )
    assets = [
        {
            "asset_id": asset.pk,
            "ip": asset.ip,
            "hostname": asset.hostname,
            "os_guess": asset.os_guess,
            "services": [service.service for service in asset.services.all()],
        }
        for asset in assets_of(organization=organization)
    ]
    now = timezone.now()
    session.plan_version += 1
    session.deployment_plan = deployment.plan_build(assets, version=session.plan_version)
    session.plan_generated_at = now
    # A new plan invalidates an earlier validation.
    session.validation_passed = False
    session.mark_step("deployment_plan", StepStatus.DONE, at=now)
    if session.step_status("validation") == StepStatus.DONE:
        session.mark_step("validation", StepStatus.PENDING)
    session.save()
    audit_record(
        action="onboarding.deployment_plan_generated",
        organization=organization,
        actor=actor,
        target=session,
        request=request,
        metadata={"version": session.plan_version, "assets": len(assets)},
    )
    return session


def _agent_for(entry: dict[str, Any], agents: list[EnrolledAgent]) -> EnrolledAgent | None:
    """The agent covering a planned asset: enrolled with a token labelled for it, or named like it."""
    names = {name.lower() for name in (entry["token_label"], entry["ip"], entry["hostname"]) if name}
    matching = [
        agent
        for agent in agents
        if (agent.token is not None and agent.token.label.lower() in names) or agent.hostname.lower() in names
    ]
    matching.sort(key=lambda agent: agent.last_heartbeat_at or timezone.now() - timedelta(days=36500))
    return matching[-1] if matching else None


@transaction.atomic
def session_validate(*, organization, actor=None, request=None) -> OnboardingSession:
    """Check the plan against enrolled agents' heartbeats: each planned host ok or missing."""
    session = session_for_update(organization)
    now = timezone.now()
    window = timedelta(seconds=settings.AGENT_ONLINE_SECONDS)
    agents = list(
        agents_of(organization=organization).filter(status=AgentStatus.ACTIVE).select_related("token")
    )
    plan = session.deployment_plan or {}
    results = []
    for entry in [e for e in plan.get("assets", []) if e["deploy_agent"]]:
        agent = _agent_for(entry, agents)
        if agent is None:
            state, reason = AssetCheck.MISSING, f"No agent enrolled for {entry['token_label']}."
        elif agent.last_heartbeat_at is None:
            state, reason = AssetCheck.MISSING, f"Agent {agent.hostname} enrolled but never sent a heartbeat."
        elif now - agent.last_heartbeat_at > window:
            state, reason = (
                AssetCheck.MISSING,
                f"Agent {agent.hostname}'s last heartbeat is older than {window.seconds} s.",
            )
        else:
            state, reason = AssetCheck.OK, ""
        results.append(
            {
                "asset_id": entry["asset_id"],
                "ip": entry["ip"],
                "hostname": entry["hostname"],
                "profile": entry["profile"],
                "status": str(state),
                "enrollment_id": str(agent.pk) if agent else None,
                "last_heartbeat_at": agent.last_heartbeat_at.isoformat()
                if agent and agent.last_heartbeat_at
                else None,
                "reason": reason,
            }
        )
    checks = [
        {
            "check": "profile",
            "ok": session.step_status("profile") == StepStatus.DONE,
            "detail": "Profile saved.",
        },
        {
            "check": "permissions",
            "ok": session.step_status("permissions") == StepStatus.DONE,
            "detail": "Permissions granted.",
        },
        {
            "check": "deployment_plan",
            "ok": bool(results),
            "detail": "A deployment plan places at least one agent."
            if plan
            else "No deployment plan yet: POST /api/v1/onboarding/generate-deployment-plan.",
        },
        {
            "check": "agents",
            "ok": bool(results) and all(r["status"] == "ok" for r in results),
            "detail": f"{sum(r['status'] == 'ok' for r in results)} of {len(results)} planned hosts report "
            f"a heartbeat within {window.seconds} s.",
        },
    ]
    passed = all(check["ok"] for check in checks)
    session.validation = {
        "passed": passed,
        "plan_version": plan.get("version"),
        "checks": checks,
        "assets": results,
        "validated_at": now.isoformat(),
    }
    session.validation_passed = passed
    session.validated_at = now
    session.mark_step("validation", StepStatus.DONE if passed else StepStatus.FAILED, at=now)
    session.save()
    audit_record(
        action="onboarding.validated",
        organization=organization,
        actor=actor,
        target=session,
        request=request,
        metadata={"passed": passed},
    )
    return session


@transaction.atomic
def session_complete(*, organization, actor=None, request=None) -> OnboardingSession:
    session = session_for_update(organization)
    if not session.validation_passed:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "Onboarding cannot complete before validation passes: POST /api/v1/onboarding/validation.",
            {"validation": session.validation.get("checks", [])},
        )
    now = timezone.now()
    session.status = OnboardingStatus.COMPLETED
    session.completed_at = now
    session.completed_by = actor_or_none(actor)
    session.mark_step("complete", StepStatus.DONE, at=now)
    session.save()
    audit_record(
        action="onboarding.completed", organization=organization, actor=actor, target=session, request=request
    )
    return session


@transaction.atomic
def session_skip(*, organization, reason: str = "", actor=None, request=None) -> OnboardingSession:
    """Skip onboarding (whether or not it was started); a completed onboarding cannot be skipped."""
    session = OnboardingSession.objects.for_organization(organization).select_for_update(of=("self",)).first()
    if session is not None and session.status == OnboardingStatus.COMPLETED:
        raise ApplicationError(
            ErrorCode.CONFLICT, "Onboarding is already completed; there is nothing to skip."
        )
    if session is None:
        session = OnboardingSession(organization=organization, started_by=actor_or_none(actor))
    session.status = OnboardingStatus.SKIPPED
    session.skipped_at = timezone.now()
    session.skipped_by = actor_or_none(actor)
    session.skip_reason = reason
    session.save()
    audit_record(
        action="onboarding.skipped",
        organization=organization,
        actor=actor,
        target=session,
        request=request,
        metadata={"reason": reason},
    )
    return session


def session_record_enrollment(*, organization) -> None:
    """An agent enrolled: the agent-enrollment step of an open session is done."""
    session = OnboardingSession.objects.for_organization(organization).select_for_update(of=("self",)).first()
    if session is not None and session.is_open and session.step_status("agent_enrollment") != StepStatus.DONE:
        session.mark_step("agent_enrollment", StepStatus.DONE, at=timezone.now())
        session.save(update_fields=["steps", "updated_at"])
