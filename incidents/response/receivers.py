"""Hooks of the response app into the incident core: the incident_saved signal, incident sections, events."""

from __future__ import annotations

from rest_framework import serializers

import realtime
from incidents.extensions import register_incident_section
from incidents.signals import incident_saved


class ResponseNotificationPayload(serializers.Serializer):
    """A response workflow's notify_webhook step (or a direct notify_webhook action) ran."""

    execution_id = serializers.UUIDField()
    message = serializers.CharField()
    severity = serializers.ChoiceField(choices=["low", "medium", "high", "critical"])
    incident_id = serializers.CharField(allow_blank=True)


def _on_incident_saved(sender, *, organization, incident, created, **kwargs) -> None:
    from config.tasks import enqueue
    from incidents.response import tasks

    enqueue(
        tasks.incident_saved,
        organization_id=str(organization.pk),
        incident_id=str(incident.pk),
        created=bool(created),
    )


def _actions_section(incident):
    from incidents.response.selectors import incident_actions_section

    return incident_actions_section(incident)


def _containment_section(incident):
    from incidents.response.selectors import incident_containment_section

    return incident_containment_section(incident)


def connect() -> None:
    incident_saved.connect(_on_incident_saved, dispatch_uid="response.incident_saved")
    register_incident_section("actions", _actions_section)
    register_incident_section("containment", _containment_section)
    realtime.register_event_type(
        "response_notification",
        schema=ResponseNotificationPayload,
        description="A notify_webhook response action ran.",
    )
