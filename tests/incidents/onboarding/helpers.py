"""Listening sockets on loopback for the network-scan tests, and a started onboarding session."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

from django.utils import timezone

from incidents.onboarding.models import (
    DiscoveredAsset,
    DiscoveredService,
    NetworkScan,
    NetworkScanStatus,
    OnboardingSession,
)
from incidents.onboarding.sessions import session_permissions_save, session_start


@contextmanager
def listening(banner: bytes = b""):
    """A TCP server on 127.0.0.1 (an ephemeral port) that sends `banner` to each connection."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _addr = server.accept()
            except OSError:
                continue
            with conn:
                if banner:
                    conn.sendall(banner)
                else:
                    stop.wait(0.8)  # silent: the scanner's banner wait times out

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def started(
    organization, actor=None, *, granted=("network_discovery", "agent_deployment")
) -> OnboardingSession:
    session, _created = session_start(organization=organization, actor=actor)
    if granted:
        session_permissions_save(organization=organization, granted=list(granted), actor=actor)
    session.refresh_from_db()
    return session


def asset_make(organization, ip: str, ports: dict[int, tuple[str, str]], *, os_guess: str = "linux"):
    """A discovered asset as a completed scan records it: {port: (service, banner)}."""
    session = OnboardingSession.objects.for_organization(organization).first() or started(organization)
    scan = NetworkScan.objects.create(
        organization=organization,
        session=session,
        cidr=f"{ip}/32",
        ports=sorted(ports),
        status=NetworkScanStatus.COMPLETED,
        finished_at=timezone.now(),
        hosts_up=1,
        open_ports=len(ports),
    )
    asset = DiscoveredAsset.objects.create(
        organization=organization, scan=scan, ip=ip, os_guess=os_guess, last_seen_at=timezone.now()
    )
    DiscoveredService.objects.bulk_create(
        [
            DiscoveredService(
                organization=organization, asset=asset, port=port, service=service, banner=banner
            )
            for port, (service, banner) in ports.items()
        ]
    )
    return asset
