"""The scanner's guesses and guard rails, without the API."""

import pytest
from django.test import override_settings

from incidents.onboarding import discovery
from incidents.onboarding.discovery import OpenPort, os_guess, scan_target_validate, service_guess
from tests.incidents.onboarding.helpers import closed_port, listening


def test_the_default_port_list_is_the_documented_32_common_ports():
    network, ports = scan_target_validate(cidr="127.0.0.0/30", ports=None)
    assert str(network) == "127.0.0.0/30"
    assert ports == list(discovery.DEFAULT_PORTS)
    assert len(ports) == 32
    assert discovery.addresses_of(network) == ["127.0.0.1", "127.0.0.2"]


@pytest.mark.parametrize(
    ("port", "banner", "service"),
    [
        (2222, "SSH-2.0-OpenSSH_9.6", "ssh"),
        (25, "220 mx ESMTP Postfix", "smtp"),
        (21, "220 ProFTPD Server", "ftp"),
        (8000, "HTTP/1.1 400 Bad Request", "http"),
        (3306, "", "mysql"),
        (40000, "", "unknown"),
    ],
)
def test_service_guess_prefers_the_banner_then_the_port(port, banner, service):
    assert service_guess(port, banner) == service


@pytest.mark.parametrize(
    ("ports", "guess"),
    [
        ([OpenPort(22, "ssh", "SSH-2.0-OpenSSH_for_Windows_8.1")], "windows"),
        ([OpenPort(22, "ssh", "SSH-2.0-OpenSSH_9.6")], "linux"),
        ([OpenPort(3389, "rdp"), OpenPort(80, "http")], "windows"),
        ([OpenPort(23, "telnet"), OpenPort(80, "http")], "network_device"),
        ([OpenPort(80, "http")], "unknown"),
    ],
)
def test_os_guess_from_banners_then_services(ports, guess):
    assert os_guess(ports) == guess


@override_settings(ONBOARDING_SCAN_REVERSE_DNS=True)
def test_a_scan_reports_only_open_ports_and_may_name_the_host():
    closed = closed_port()
    with listening(b"+OK POP3 ready\r\n") as port:
        [host] = discovery.scan_hosts(["127.0.0.1"], [port, closed])
    assert [(p.port, p.service) for p in host.ports] == [(port, "pop3")]
    assert host.hostname  # 127.0.0.1 resolves locally (/etc/hosts), within the lookup deadline


def test_an_address_with_nothing_open_is_not_an_asset():
    assert discovery.scan_hosts(["127.0.0.1"], [closed_port()]) == []
