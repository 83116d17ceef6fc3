"""The SSRF guard on its own: what a webhook URL may point at."""

import socket

import pytest

from realtime.ssrf import UnsafeWebhookURL, WebhookHostUnresolvable, vet_webhook_url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.9.9.9:8080/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://172.16.0.1/hook", "private"),
        ("http://192.168.1.10/hook", "private"),
        ("http://[fd12:3456::1]/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://100.100.100.200/", "metadata"),
        ("http://169.254.10.10/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://100.64.0.1/", "non-public"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://224.0.0.1/", "non-public"),
    ],
)
def test_non_public_addresses_are_refused(url, reason):
    with pytest.raises(UnsafeWebhookURL, match=reason):
        vet_webhook_url(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://93.184.216.34/hook", "http or https"),
        ("file:///etc/passwd", "http or https"),
        ("gopher://93.184.216.34/", "http or https"),
        ("https:///nohost", "no host"),
        ("https://user:pass@93.184.216.34/", "credentials"),
        ("http://93.184.216.34:99999/", "malformed"),
    ],
)
def test_malformed_or_non_http_urls_are_refused(url, message):
    with pytest.raises(UnsafeWebhookURL, match=message):
        vet_webhook_url(url)


def test_a_public_address_is_accepted_and_pinned():
    target = vet_webhook_url("https://93.184.216.34/in?x=1")

    assert str(target.address) == "93.184.216.34"
    assert target.pinned_url == "https://93.184.216.34:443/in?x=1"
    assert target.host_header == "93.184.216.34"


def test_a_host_name_is_checked_on_every_address_it_resolves_to(monkeypatch):
    monkeypatch.setattr(
        "realtime.ssrf.socket.getaddrinfo",
        lambda *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.0.5", 443)),
        ],
    )

    with pytest.raises(UnsafeWebhookURL, match=r"private address \(192.168.0.5\)"):
        vet_webhook_url("https://hooks.example.com/in")


def test_a_public_host_name_connects_to_the_checked_address_under_its_own_name(monkeypatch):
    monkeypatch.setattr(
        "realtime.ssrf.socket.getaddrinfo",
        lambda *a, **k: [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:2800:220:1::1", 8443, 0, 0))],
    )

    target = vet_webhook_url("https://Hooks.Example.com:8443/in")

    assert target.pinned_url == "https://[2606:2800:220:1::1]:8443/in"
    assert target.host_header == "hooks.example.com:8443"
    assert target.host == "hooks.example.com"


def test_an_unresolvable_host_is_reported_as_such(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("Name or service not known")

    monkeypatch.setattr("realtime.ssrf.socket.getaddrinfo", fail)

    with pytest.raises(WebhookHostUnresolvable):
        vet_webhook_url("https://nowhere.invalid/")


@pytest.mark.parametrize("entry", ["127.0.0.1", "127.0.0.0/8", "localhost"])
def test_the_allow_list_admits_self_hosted_receivers(settings, entry):
    settings.WEBHOOK_ALLOWED_HOSTS = [entry]
    url = "http://localhost:9000/hook" if entry == "localhost" else "http://127.0.0.1:9000/hook"

    assert vet_webhook_url(url).port == 9000


def test_the_allow_list_admits_only_what_it_names(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]

    with pytest.raises(UnsafeWebhookURL):
        vet_webhook_url("http://10.0.0.1/hook")
    with pytest.raises(UnsafeWebhookURL):
        vet_webhook_url("http://169.254.169.254/")
