from __future__ import annotations

from typing import Any

from django.db import models

from organizations.models import AuditEvent, Organization


def request_origin(request) -> dict[str, Any]:
    """IP and user agent of a request (DRF or Django), for audit records."""
    if request is None:
        return {"ip_address": None, "user_agent": ""}
    from config.api.ratelimit import client_ip

    raw = getattr(request, "_request", request)
    ip = client_ip(raw)
    return {
        "ip_address": ip if ip and ip != "unknown" else None,
        "user_agent": raw.META.get("HTTP_USER_AGENT", "")[:400],
    }


def audit_record(
    *,
    action: str,
    organization: Organization | None = None,
    actor=None,
    actor_email: str = "",
    target: models.Model | None = None,
    request=None,
    metadata: dict[str, Any] | None = None,
) -> AuditEvent:
    """Appends one event to the audit log. Never raises for missing optional context."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        organization=organization,
        action=action,
        actor=actor,
        actor_email=(actor.email if actor is not None else actor_email)[:254],
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        metadata=metadata or {},
        **request_origin(request),
    )
