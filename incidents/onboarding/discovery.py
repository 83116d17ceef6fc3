"""Network discovery: a bounded TCP connect scan, and what the answers say about a host.

No database here. `scan_target_validate` decides whether a submitted range and port list may be
scanned at all (allowed networks, address and port caps); `scan_hosts` connects to every
(address, port) pair with short timeouts and a bounded number of connections in flight, reads a
banner when the service volunteers one, and guesses the service and the operating system.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from django.conf import settings

# The default port list: common services whose presence says what a host is and which agent it
# needs. Exactly 32 ports, the default cap.
COMMON_PORTS: dict[int, str] = {
    21: "ftp",
    22: "ssh",
    23: "telnet",
    25: "smtp",
    53: "dns",
    80: "http",
    110: "pop3",
    111: "rpcbind",
    135: "msrpc",
    139: "netbios-ssn",
    143: "imap",
    161: "snmp",
    443: "https",
    445: "smb",
    587: "submission",
    993: "imaps",
    995: "pop3s",
    1433: "mssql",
    1521: "oracle",
    2049: "nfs",
    3306: "mysql",
    3389: "rdp",
    5432: "postgresql",
    5900: "vnc",
    5985: "winrm",
    5986: "winrm-https",
    6379: "redis",
    8080: "http-alt",
    8443: "https-alt",
    9200: "elasticsearch",
    11211: "memcached",
    27017: "mongodb",
}
DEFAULT_PORTS: tuple[int, ...] = tuple(COMMON_PORTS)

# Banner prefixes (case-insensitive) that name the service whatever the port.
BANNER_SERVICES: tuple[tuple[str, str], ...] = (
    ("ssh-", "ssh"),
    ("http/", "http"),
    ("+ok", "pop3"),
    ("* ok", "imap"),
    ("-err", "redis"),
    ("rfb ", "vnc"),
)
# Words in a banner that name the operating system.
BANNER_OS: tuple[tuple[str, str], ...] = (
    ("windows", "windows"),
    ("microsoft", "windows"),
    ("ubuntu", "linux"),
    ("debian", "linux"),
    ("red hat", "linux"),
    ("centos", "linux"),
    ("linux", "linux"),
    ("freebsd", "linux"),
    ("cisco", "network_device"),
    ("mikrotik", "network_device"),
    ("routeros", "network_device"),
)
WINDOWS_SERVICES = frozenset({"msrpc", "netbios-ssn", "smb", "rdp", "winrm", "winrm-https", "mssql"})
UNIX_SERVICES = frozenset({"ssh", "rpcbind", "nfs"})
DEVICE_SERVICES = frozenset({"telnet", "snmp"})


class ScanRefused(ValueError):
    """The submitted range or ports may not be scanned; the message says precisely why."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name
        self.message = message


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.ONBOARDING_SCAN_ALLOWED_NETWORKS]


def scan_target_validate(
    *, cidr: str, ports: Iterable[int] | None
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, list[int]]:
    """The normalised network and port list, or ScanRefused naming the rule that was broken."""
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        raise ScanRefused("cidr", f"{cidr!r} is not an IP address or CIDR range.") from None
    cap = settings.ONBOARDING_SCAN_MAX_ADDRESSES
    if network.num_addresses > cap:
        raise ScanRefused(
            "cidr", f"{network} has {network.num_addresses} addresses; a scan may cover at most {cap}."
        )
    allowed = allowed_networks()
    if not any(network.version == net.version and network.subnet_of(net) for net in allowed):  # type: ignore[arg-type]
        names = ", ".join(str(net) for net in allowed) or "none (ONBOARDING_SCAN_ALLOWED_NETWORKS is empty)"
        raise ScanRefused("cidr", f"{network} is not inside a network this deployment may scan: {names}.")
    chosen = sorted(set(ports)) if ports else list(DEFAULT_PORTS)
    port_cap = settings.ONBOARDING_SCAN_MAX_PORTS
    if len(chosen) > port_cap:
        raise ScanRefused("ports", f"{len(chosen)} ports requested; a scan may probe at most {port_cap}.")
    bad = [port for port in chosen if not 1 <= port <= 65535]
    if bad:
        raise ScanRefused("ports", f"Ports must be between 1 and 65535: {bad[:5]}.")
    return network, chosen


def addresses_of(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> list[str]:
    """Usable host addresses (network and broadcast addresses excluded where the range has them)."""
    hosts = list(network.hosts())
    return [str(address) for address in (hosts or [network.network_address])]


@dataclass
class OpenPort:
    port: int
    service: str
    banner: str = ""


@dataclass
class HostResult:
    ip: str
    hostname: str = ""
    ports: list[OpenPort] = field(default_factory=list)

    @property
    def os_guess(self) -> str:
        return os_guess(self.ports)


def service_guess(port: int, banner: str) -> str:
    lowered = banner.lower()
    for prefix, service in BANNER_SERVICES:
        if lowered.startswith(prefix):
            return service
    if lowered.startswith("220"):
        return "ftp" if "ftp" in lowered else "smtp" if "smtp" in lowered else COMMON_PORTS.get(port, "ftp")
    return COMMON_PORTS.get(port, "unknown")


def os_guess(ports: list[OpenPort]) -> str:
    """The banner's word when one names the OS; otherwise the services' family; else unknown."""
    for open_port in ports:
        lowered = open_port.banner.lower()
        for word, family in BANNER_OS:
            if word in lowered:
                return family
    services = {open_port.service for open_port in ports}
    if services & WINDOWS_SERVICES:
        return "windows"
    if services & UNIX_SERVICES:
        return "linux"
    if services and services <= DEVICE_SERVICES | {"http", "https"} and services & DEVICE_SERVICES:
        return "network_device"
    return "unknown"


def _probe(ip: str, port: int) -> OpenPort | None:
    """Connect; None when closed, filtered or slow. An open port gets a short chance to speak first."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(settings.ONBOARDING_SCAN_CONNECT_TIMEOUT)
            if sock.connect_ex((ip, port)) != 0:
                return None
            sock.settimeout(settings.ONBOARDING_SCAN_BANNER_TIMEOUT)
            try:
                raw = sock.recv(256)
            except OSError:  # timed out or reset: open, silent
                raw = b""
    except OSError:
        return None
    banner = raw.decode("utf-8", "replace").strip().splitlines()[0][:200] if raw.strip() else ""
    return OpenPort(port=port, service=service_guess(port, banner), banner=banner)


def _reverse_dns(ip: str) -> str:
    try:
        return socket.gethostbyaddr(ip)[0][:255]
    except OSError:
        return ""


def scan_hosts(addresses: list[str], ports: list[int]) -> list[HostResult]:
    """Hosts with at least one open port, in address order, each with its open ports in order."""
    pairs = [(ip, port) for ip in addresses for port in ports]
    workers = max(1, min(settings.ONBOARDING_SCAN_CONCURRENCY, len(pairs)))
    found: dict[str, HostResult] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="onboarding-scan") as pool:
        for (ip, _port), result in zip(pairs, pool.map(lambda pair: _probe(*pair), pairs), strict=True):
            if result is not None:
                found.setdefault(ip, HostResult(ip=ip)).ports.append(result)
    hosts = [found[ip] for ip in addresses if ip in found]
    if settings.ONBOARDING_SCAN_REVERSE_DNS and hosts:
        _resolve_names(hosts)
    return hosts


def _resolve_names(hosts: list[HostResult]) -> None:
    """Reverse DNS with a deadline per lookup; a resolver that does not answer in time is ignored."""
    pool = ThreadPoolExecutor(max_workers=min(8, len(hosts)), thread_name_prefix="onboarding-dns")
    try:
        futures = [(host, pool.submit(_reverse_dns, host.ip)) for host in hosts]
        for host, future in futures:
            try:
                host.hostname = future.result(timeout=settings.ONBOARDING_SCAN_DNS_TIMEOUT)
            except FutureTimeout:
                host.hostname = ""
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
