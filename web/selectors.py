"""Reads for pages whose domain app has no selector of its own yet: plain organization-scoped
querysets through each model's tenant manager (never unscoped), related rows joined up front."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Invite
from incidents.detection.models import DetectionRule
from incidents.ingest.models import IngestBatch, Sensor
from incidents.threats.models import Incident, Threat
from metrics.productivity.models import ReportExport
from organizations.models import ApiKey, AuditEvent, Membership, Organization, Role


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.for_organization(organization).select_related("user").order_by("created_at")


def pending_invites_of(*, organization: Organization) -> QuerySet[Invite]:
    return (
        Invite.objects.for_organization(organization)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def api_keys_of(*, organization: Organization) -> QuerySet[ApiKey]:
    return ApiKey.objects.for_organization(organization).select_related("created_by").order_by("-created_at")


def audit_events_of(*, organization: Organization) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.for_organization(organization).select_related("actor").order_by("-created_at")


def threats_of(*, organization: Organization) -> QuerySet[Threat]:
    return Threat.objects.for_organization(organization).select_related("incident").order_by("-detected_at")


def incidents_of(*, organization: Organization) -> QuerySet[Incident]:
    return Incident.objects.for_organization(organization).order_by("-last_seen_at")


def incident_threats(*, incident: Incident) -> QuerySet[Threat]:
    return (
        Threat.objects.for_organization(incident.organization_id)
        .filter(incident=incident)
        .order_by("detected_at")
    )


def rules_of(*, organization: Organization) -> QuerySet[DetectionRule]:
    return DetectionRule.objects.for_organization(organization).order_by("kind", "title")


def sensors_of(*, organization: Organization) -> QuerySet[Sensor]:
    return Sensor.objects.for_organization(organization).order_by("name")


def ingest_batches_of(*, organization: Organization) -> QuerySet[IngestBatch]:
    return IngestBatch.objects.for_organization(organization).select_related("sensor").order_by("-created_at")


def reports_visible_to(*, organization: Organization, user, membership: Membership) -> QuerySet[ReportExport]:
    """Report exports as GET /api/v1/reports scopes them: your own; managers and admins see all."""
    reports = ReportExport.objects.for_organization(organization).order_by("-created_at")
    if membership.has_role(Role.MANAGER):
        return reports
    return reports.filter(requested_by_id=user.pk)
