"""SSRF guard for webhook targets, applied when a subscription is saved and again before each POST.

A target must be http(s) and every address its host resolves to must be public: not loopback,
private, link-local (cloud metadata at 169.254.169.254 is link-local), shared, multicast, reserved
or otherwise non-global. WEBHOOK_ALLOWED_HOSTS lists host names, addresses or CIDR networks that
are allowed anyway (a self-hosted receiver on the LAN, the tests' local server).

At delivery the request is sent to the address that was checked (the Host header and TLS SNI
keep the name), so a DNS answer that changes between the check and the connection cannot
redirect it inside the network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Non-global ranges Python's is_global does not already cover, named for the error message.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack instance metadata
    ipaddress.ip_address("fd00:ec2::254"),  # AWS IMDS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud metadata
}


class UnsafeWebhookURL(ValueError):
    """The URL is not one Palisade will send requests to."""


class WebhookHostUnresolvable(UnsafeWebhookURL):
    """The host does not resolve (now); at delivery time that is a network error, worth a retry."""


@dataclass(frozen=True)
class VettedTarget:
    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress

    @property
    def pinned_url(self) -> str:
        """The URL with the checked address in place of the host name."""
        parts = urlsplit(self.url)
        literal = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        netloc = f"{literal}:{self.port}"
        return parts._replace(netloc=netloc).geturl()

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def _allow_list() -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    names: set[str] = set()
    networks = []
    for entry in settings.WEBHOOK_ALLOWED_HOSTS:
        entry = entry.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(entry)
    return names, networks


def _why_blocked(address: IPAddress) -> str | None:
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address (it reaches this host)"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private address"
    if address.is_multicast or address.is_reserved or not address.is_global:
        return "a non-public address"
    return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise WebhookHostUnresolvable(f"The host {host!r} does not resolve.") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise WebhookHostUnresolvable(f"The host {host!r} does not resolve.")
    return addresses


def vet_webhook_url(url: str) -> VettedTarget:
    """The target to connect to, or UnsafeWebhookURL saying why the URL is refused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeWebhookURL("The URL is malformed.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeWebhookURL("The URL must use http or https.")
    if not parts.hostname:
        raise UnsafeWebhookURL("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeWebhookURL("The URL must not carry credentials; sign with the subscription secret.")
    host = parts.hostname.lower()
    port = port or (443 if parts.scheme == "https" else 80)
    allowed_names, allowed_networks = _allow_list()
    addresses = _resolve(host, port)
    for address in addresses:
        if host in allowed_names or any(address in network for network in allowed_networks):
            continue
        reason = _why_blocked(address)
        if reason:
            raise UnsafeWebhookURL(
                f"The host {host!r} resolves to {reason} ({address}); webhooks go to public hosts."
            )
    return VettedTarget(url=url.strip(), scheme=parts.scheme, host=host, port=port, address=addresses[0])
