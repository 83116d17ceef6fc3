"""Projects: what is scanned, with a write-only repository token."""

from __future__ import annotations

from django.db import transaction

from scans import crypto
from scans.models import Project


def _apply(project: Project, fields: dict) -> None:
    token = fields.pop("access_token", None)
    fields.pop("github_token", None)
    for name, value in fields.items():
        setattr(project, name, value)
    if token is not None:
        project.access_token_encrypted = crypto.encrypt(token.encode()).decode() if token else ""


@transaction.atomic
def project_create(*, organization, **fields) -> Project:
    project = Project(organization=organization)
    _apply(project, dict(fields))
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_update(*, project: Project, **fields) -> Project:
    _apply(project, dict(fields))
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_delete(*, project: Project) -> None:
    project.delete()


def project_access_token(project: Project) -> str:
    if not project.access_token_encrypted:
        return ""
    return crypto.decrypt(project.access_token_encrypted.encode()).decode()
