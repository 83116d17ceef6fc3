"""Onboarding jobs: ids in, one service call. Safe to run twice (the scan row's status guards it)."""

from config.tasks import palisade_task
from incidents.onboarding import network_scans


@palisade_task(
    name="onboarding.network_scan",
    max_retries=2,
    autoretry_for=(Exception,),
    time_limit=600,
    soft_time_limit=570,
)
def network_scan_task(*, scan_id: str, organization_id: str) -> None:
    network_scans.network_scan_run(scan_id=scan_id, organization_id=organization_id)
