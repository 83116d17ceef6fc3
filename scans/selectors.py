"""Reads of the scans domain."""

from __future__ import annotations

from scans.models import Alert, Finding, Project, Scan


def projects_of(*, organization):
    return Project.objects.for_organization(organization)


def scans_of(*, organization):
    return Scan.objects.for_organization(organization).defer("payload_encrypted")


def alerts_of(*, organization):
    return Alert.objects.for_organization(organization)


def active_findings(*, organization, scope_key: str):
    return Finding.objects.for_organization(organization).filter(scope_key=scope_key)
