"""Writes of the scans domain: projects, scans (start and run), findings' lifecycle, alerts."""

from scans.services.alerts import alert_update
from scans.services.projects import project_create, project_delete, project_update
from scans.services.scans import (
    scan_run,
    scan_start_code,
    scan_start_pii,
    scan_start_prompt,
)

__all__ = [
    "alert_update",
    "project_create",
    "project_delete",
    "project_update",
    "scan_run",
    "scan_start_code",
    "scan_start_pii",
    "scan_start_prompt",
]
