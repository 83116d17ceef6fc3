"""Scan jobs: ids in, one service call. Safe to run twice (the scan row's status guards it)."""

from config.tasks import palisade_task
from scans import services


@palisade_task(
    name="scans.scan_run", max_retries=2, autoretry_for=(Exception,), time_limit=900, soft_time_limit=840
)
def scan_run_task(*, scan_id: str, organization_id: str) -> None:
    services.scan_run(scan_id=scan_id, organization_id=organization_id)
