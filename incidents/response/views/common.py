"""Shared pieces of the response views: tags, documented errors, incident lookup."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from config.api.errors import ApplicationError, ErrorCode
from incidents.threats.selectors import incident_for

RESPONSE = ["response"]
CONTAINMENT = ["containment"]
PLAYBOOKS = ["playbooks"]
TRIGGERS = ["triggers"]
AGENTS = ["agents"]
CONFLICT = OpenApiResponse(description="CONFLICT: the resource is not in a state that allows this")
INVALID = OpenApiResponse(description="VALIDATION_ERROR")
INCIDENT_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Incident UUID or INC-YYYY-NNNN")


def incident_or_404(organization, reference):
    incident = incident_for(organization, reference) if reference else None
    if incident is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such incident.")
    return incident
