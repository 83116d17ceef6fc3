"""Enrollment: tokens are minted by an admin, traded once by an agent for a device identity."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from incidents.ingest.services import sensor_create
from incidents.onboarding.models import AgentStatus, EnrolledAgent, EnrollmentToken
from incidents.onboarding.sessions import session_record_enrollment
from organizations.services.audit import audit_record

TOKEN_PREFIX = "pal_enr_"  # noqa: S105  (a public prefix, not a secret)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def enrollment_token_create(
    *, organization, label: str = "", ttl_seconds: int | None = None, actor=None, request=None
) -> tuple[EnrollmentToken, str]:
    """Mint a token; the raw value is returned once and only its hash is kept."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(24)
    ttl = ttl_seconds or settings.AGENT_ENROLLMENT_TOKEN_TTL_SECONDS
    token = EnrollmentToken.objects.create(
        organization=organization,
        token_hash=_hash(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        label=label,
        expires_at=timezone.now() + timedelta(seconds=ttl),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="agent.enrollment_token_created",
        organization=organization,
        actor=actor,
        target=token,
        request=request,
    )
    return token, raw


@dataclass
class Enrollment:
    agent: EnrolledAgent
    secret: str


@transaction.atomic
def agent_enroll(
    *, token: str, hostname: str, os: str = "", version: str = "", capabilities: list[str] | None = None
) -> Enrollment:
    """Trade a valid, unused, unexpired token for an agent with its own sensor identity and secret."""
    found = (
        EnrollmentToken.objects.unscoped()  # the token is what names the organization
        .select_for_update(of=("self",))
        .select_related("organization")
        .filter(token_hash=_hash(token))
        .first()
    )
    refusal = "The enrollment token is unknown, already used or expired."
    if found is None or found.used_at is not None or found.expires_at <= timezone.now():
        raise ApplicationError(ErrorCode.UNAUTHORIZED, refusal)
    organization = found.organization
    found.used_at = timezone.now()
    found.save(update_fields=["used_at", "updated_at"])
    sensor, secret = sensor_create(
        organization=organization,
        name=f"agent {hostname[:80]} {found.pk.hex[:8]}",
        kind="sshd",
        description=f"palisade-agent on {hostname}",
    )
    agent = EnrolledAgent.objects.create(
        organization=organization,
        sensor=sensor,
        token=found,
        hostname=hostname,
        os=os,
        version=version,
        capabilities=sorted(set(capabilities or [])),
    )
    audit_record(
        action="agent.enrolled", organization=organization, target=agent, metadata={"host": hostname}
    )
    session_record_enrollment(organization=organization)
    return Enrollment(agent=agent, secret=secret)


def agent_heartbeat(
    *, agent: EnrolledAgent, version: str = "", dry_run: bool | None = None, capabilities=None
) -> EnrolledAgent:
    changes: dict[str, Any] = {
        "last_heartbeat_at": timezone.now(),
        "heartbeat_count": F("heartbeat_count") + 1,
    }
    if version:
        changes["version"] = version
    if dry_run is not None:
        changes["dry_run"] = dry_run
    if capabilities is not None:
        changes["capabilities"] = sorted(set(capabilities))
    EnrolledAgent.objects.for_organization(agent.organization_id).filter(pk=agent.pk).update(**changes)
    agent.refresh_from_db()
    return agent


def agent_is_online(agent: EnrolledAgent) -> bool:
    if agent.status != AgentStatus.ACTIVE or agent.last_heartbeat_at is None:
        return False
    return timezone.now() - agent.last_heartbeat_at <= timedelta(seconds=settings.AGENT_ONLINE_SECONDS)


@transaction.atomic
def agent_verify(*, agent: EnrolledAgent) -> dict[str, Any]:
    """Access is verified by a recent heartbeat: the agent reached us, signed, within the window."""
    online = agent_is_online(agent)
    if online:
        agent.verified_at = timezone.now()
        agent.save(update_fields=["verified_at", "updated_at"])
    if agent.last_heartbeat_at is None:
        reason = "The agent has never sent a heartbeat."
    elif not online:
        reason = f"The last heartbeat is older than {settings.AGENT_ONLINE_SECONDS} seconds."
    else:
        reason = ""
    return {
        "enrollment_id": agent.pk,
        "hostname": agent.hostname,
        "verified": online,
        "last_heartbeat_at": agent.last_heartbeat_at,
        "reason": reason,
    }


@transaction.atomic
def agent_revoke(*, agent: EnrolledAgent, actor=None, request=None) -> EnrolledAgent:
    agent.status = AgentStatus.REVOKED
    agent.save(update_fields=["status", "updated_at"])
    sensor = agent.sensor
    sensor.is_active = False
    sensor.save(update_fields=["is_active", "updated_at"])
    audit_record(
        action="agent.revoked", organization=agent.organization, actor=actor, target=agent, request=request
    )
    return agent
