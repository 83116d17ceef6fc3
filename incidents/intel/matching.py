"""Matching events against an organization's active indicators."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils import timezone

from incidents.intel.models import Indicator, IndicatorType

URL_IN_TEXT = re.compile(r"\b(?:https?|ftp)://[^\s'\"<>]+", re.IGNORECASE)


@dataclass
class IntelMatcher:
    by_value: dict[tuple[str, str], Indicator] = field(default_factory=dict)
    networks: list[tuple[Any, Indicator]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.by_value or self.networks)

    def _ip(self, value: Any) -> Indicator | None:
        if not value:
            return None
        found = self.by_value.get(("ip", str(value)))
        if found is not None or not self.networks:
            return found
        try:
            address = ipaddress.ip_address(str(value))
        except ValueError:
            return None
        for network, indicator in self.networks:
            if address.version == network.version and address in network:
                return indicator
        return None

    def match(self, event: dict[str, Any]) -> list[tuple[Indicator, str]]:
        """The indicators one event matches, each with the observed value."""
        found: list[tuple[Indicator, str]] = []
        for key in ("src_ip", "dst_ip"):
            indicator = self._ip(event.get(key))
            if indicator is not None:
                found.append((indicator, str(event[key])))
        fields = event.get("fields") or {}
        urls = set(URL_IN_TEXT.findall(str(fields.get("command") or "")))
        if fields.get("url") and "://" in str(fields["url"]):
            urls.add(str(fields["url"]))
        for url in urls:
            indicator = self.by_value.get(("url", url.lower()))
            if indicator is not None:
                found.append((indicator, url))
            host = (urlsplit(url).hostname or "").lower()
            indicator = self.by_value.get(("domain", host)) or self._ip(host)
            if indicator is not None:
                found.append((indicator, host))
        for kind in ("sha256", "md5"):
            value = fields.get(kind)
            if value:
                indicator = self.by_value.get((kind, str(value).lower()))
                if indicator is not None:
                    found.append((indicator, str(value)))
        return found


def matcher_for(organization) -> IntelMatcher:
    matcher = IntelMatcher()
    now = timezone.now()
    active = Indicator.objects.for_organization(organization).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    for indicator in active:
        if indicator.type == IndicatorType.CIDR:
            try:
                matcher.networks.append((ipaddress.ip_network(indicator.value, strict=False), indicator))
            except ValueError:
                continue
        else:
            matcher.by_value[(indicator.type, indicator.value.lower())] = indicator
    return matcher
