"""The network-discovery scan: requested by an admin, run as a Celery job whose state is the scan row."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from config.tasks import enqueue
from incidents.onboarding import discovery
from incidents.onboarding.models import (
    DiscoveredAsset,
    DiscoveredService,
    NetworkScan,
    NetworkScanStatus,
    OnboardingSession,
    StepStatus,
)
from incidents.onboarding.sessions import actor_or_none, session_for_update
from organizations.services.audit import audit_record

logger = logging.getLogger(__name__)

MAX_SCAN_ATTEMPTS = 3


@transaction.atomic
def network_scan_request(
    *, organization, cidr: str, ports: list[int] | None = None, actor=None, request=None
) -> NetworkScan:
    """Validate the target, record a queued scan and enqueue the job (after commit)."""
    try:
        network, chosen = discovery.scan_target_validate(cidr=cidr, ports=ports)
    except discovery.ScanRefused as refused:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, refused.message, {"fields": {refused.field_name: [refused.message]}}
        ) from None
    session = session_for_update(organization)
    if "network_discovery" not in session.permissions.get("granted", []):
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "Grant the network_discovery permission first (POST /api/v1/onboarding/permissions).",
        )
    stale = timezone.now() - timedelta(seconds=settings.ONBOARDING_SCAN_STALE_SECONDS)
    busy = (
        NetworkScan.objects.for_organization(organization)
        .filter(status__in=[NetworkScanStatus.QUEUED, NetworkScanStatus.RUNNING], created_at__gte=stale)
        .first()
    )
    if busy is not None:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"A network scan of {busy.cidr} is still {busy.status}; wait for it to finish.",
            {"scan_id": str(busy.pk)},
        )
    scan = NetworkScan.objects.create(
        organization=organization,
        session=session,
        cidr=str(network),
        ports=chosen,
        requested_by=actor_or_none(actor),
    )
    session.mark_step("network_scan", StepStatus.RUNNING, at=timezone.now())
    session.save(update_fields=["steps", "updated_at"])
    audit_record(
        action="onboarding.network_scan_requested",
        organization=organization,
        actor=actor,
        target=scan,
        request=request,
        metadata={"cidr": scan.cidr, "ports": len(chosen)},
    )
    from incidents.onboarding.tasks import network_scan_task  # the tasks module imports this one

    enqueue(network_scan_task, scan_id=str(scan.pk), organization_id=str(organization.pk))
    return scan


def _claim_scan(scan_id: str, organization_id: str) -> NetworkScan | None:
    with transaction.atomic():
        scan = (
            NetworkScan.objects.for_organization(organization_id)
            .select_for_update(of=("self",))
            .filter(pk=scan_id)
            .first()
        )
        if scan is None or scan.status in (NetworkScanStatus.COMPLETED, NetworkScanStatus.FAILED):
            return None
        scan.status = NetworkScanStatus.RUNNING
        scan.started_at = timezone.now()
        scan.attempts += 1
        scan.save(update_fields=["status", "started_at", "attempts", "updated_at"])
        return scan


def network_scan_run(*, scan_id: str, organization_id: str) -> None:
    """The job. Safe to run twice: a finished scan is left alone, results are upserted by address."""
    scan = _claim_scan(scan_id, organization_id)
    if scan is None:
        return
    if scan.attempts > MAX_SCAN_ATTEMPTS:
        _scan_finish(scan, failure=f"Gave up after {MAX_SCAN_ATTEMPTS} attempts.")
        return
    started = time.perf_counter()
    try:
        # Re-checked at run time: the allowed networks may have narrowed since the scan was queued.
        network, ports = discovery.scan_target_validate(cidr=scan.cidr, ports=scan.ports)
        addresses = discovery.addresses_of(network)
        hosts = discovery.scan_hosts(addresses, ports)
    except discovery.ScanRefused as refused:
        _scan_finish(scan, failure=refused.message)
        return
    except Exception:
        logger.exception("Network scan %s failed (attempt %s).", scan.pk, scan.attempts)
        if scan.attempts >= MAX_SCAN_ATTEMPTS:
            _scan_finish(scan, failure="The scan failed; the error was logged.")
            return
        raise
    _scan_record(scan, hosts, addresses=len(addresses), elapsed=time.perf_counter() - started)


@transaction.atomic
def _scan_record(scan: NetworkScan, hosts: list[discovery.HostResult], *, addresses: int, elapsed: float):
    now = timezone.now()
    organization_id = scan.organization_id
    if _already_finished(scan):
        return
    for host in hosts:
        asset, _created = DiscoveredAsset.objects.for_organization(organization_id).update_or_create(
            organization_id=organization_id,
            ip=host.ip,
            defaults={
                "scan": scan,
                "hostname": host.hostname,
                "os_guess": host.os_guess,
                "last_seen_at": now,
            },
        )
        DiscoveredService.objects.for_organization(organization_id).filter(asset=asset).delete()
        DiscoveredService.objects.bulk_create(
            [
                DiscoveredService(
                    organization_id=organization_id,
                    asset=asset,
                    port=open_port.port,
                    service=open_port.service,
                    banner=open_port.banner,
                )
                for open_port in host.ports
            ]
        )
    scan.addresses_scanned = addresses
    scan.hosts_up = len(hosts)
    scan.open_ports = sum(len(host.ports) for host in hosts)
    scan.duration_ms = int(elapsed * 1000)
    _scan_finish(scan)


def _already_finished(scan: NetworkScan) -> bool:
    """Lock the scan row; True when another run of the same job already recorded its outcome."""
    current = (
        NetworkScan.objects.for_organization(scan.organization_id)
        .select_for_update(of=("self",))
        .values_list("status", flat=True)
        .get(pk=scan.pk)
    )
    return current in (NetworkScanStatus.COMPLETED, NetworkScanStatus.FAILED)


@transaction.atomic
def _scan_finish(scan: NetworkScan, *, failure: str = "") -> None:
    if _already_finished(scan):
        return
    scan.status = NetworkScanStatus.FAILED if failure else NetworkScanStatus.COMPLETED
    scan.failure_reason = failure[:2000]
    scan.finished_at = timezone.now()
    scan.save()
    session = (
        OnboardingSession.objects.for_organization(scan.organization_id)
        .select_for_update(of=("self",))
        .filter(pk=scan.session_id)
        .first()
    )
    if session is not None and session.is_open:
        if failure:
            session.mark_step("network_scan", StepStatus.FAILED, at=scan.finished_at, detail=failure)
        else:
            session.mark_step("network_scan", StepStatus.DONE, at=scan.finished_at)
        session.save(update_fields=["steps", "updated_at"])
