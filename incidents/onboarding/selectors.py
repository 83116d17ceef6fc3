"""Reads of enrolled agents, for onboarding views and for response (which agent takes a command)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from incidents.onboarding.models import AgentStatus, EnrolledAgent


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
