"""Hooks of the response app into the incident core: the incident_saved signal, incident sections, events."""

from __future__ import annotations

from rest_framework import serializers

import realtime
from incidents.extensions import register_incident_section
from incidents.signals import incident_saved
from realtime.signals import event_published


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


def _on_event_published(sender, *, organization_id, event, **kwargs) -> None:
    """A sibling app's event this app reacts to; the payload is a plain dict (scans is not imported)."""
    if event.event_type != "secret_exposed":
        return
    from incidents.response import tasks

    # Sent after the publishing commit: hand it to a task (acks_late, retried, idempotent per finding).
    tasks.secret_exposed.apply_async(
        kwargs={"organization_id": str(organization_id), "payload": dict(event.payload)}
    )


class ApprovalLinkPayload(serializers.Serializer):
    approver = serializers.EmailField()
    approve_url = serializers.URLField()
    reject_url = serializers.URLField()
    expires_at = serializers.DateTimeField()


class ApprovalRequiredPayload(serializers.Serializer):
    """A playbook waits for human approval (seed D), with each approver's one-time links."""

    playbook_id = serializers.CharField(max_length=64)
    threat_id = serializers.CharField(max_length=64, required=False)
    status = serializers.CharField(max_length=32, required=False)
    timestamp = serializers.DateTimeField(required=False)
    workflow_id = serializers.UUIDField(required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    required_approvals = serializers.IntegerField(min_value=1, required=False)
    approvals = serializers.IntegerField(min_value=0, required=False)
    approval_links = ApprovalLinkPayload(many=True, required=False)


def connect() -> None:
    incident_saved.connect(_on_incident_saved, dispatch_uid="response.incident_saved")
    event_published.connect(_on_event_published, dispatch_uid="response.secret_exposed")
    realtime.register_event_type(
        "approval_required",
        schema=ApprovalRequiredPayload,
        description="A playbook waits for human approval; each approver's one-time approve/reject links.",
    )
    register_incident_section("actions", _actions_section)
    register_incident_section("containment", _containment_section)
    realtime.register_event_type(
        "response_notification",
        schema=ResponseNotificationPayload,
        description="A notify_webhook response action ran.",
    )
