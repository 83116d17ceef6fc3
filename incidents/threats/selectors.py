"""Reads of the threats context other apps use: detection settings and incident lookup."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction

from incidents.threats.models import DetectionSettings, Incident


def detection_settings(organization) -> DetectionSettings:
    """The organization's detection settings, created with the defaults on first use."""
    found = DetectionSettings.objects.for_organization(organization).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return DetectionSettings.objects.create(organization_id=getattr(organization, "pk", organization))
    except IntegrityError:  # another request created it first
        return DetectionSettings.objects.for_organization(organization).get()


def incident_for(organization, reference: Any) -> Incident | None:
    """An incident of the organization by its UUID or its human id (INC-2026-0001); None if not there."""
    incidents = Incident.objects.for_organization(organization)
    text = str(reference)
    try:
        return incidents.filter(pk=uuid.UUID(text)).first()
    except ValueError:
        return incidents.filter(human_id=text).first()
