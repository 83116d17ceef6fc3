"""Helpers that raise real threats and incidents through ingest and detection."""

from datetime import UTC, datetime

from incidents.detection.services import batch_detect
from incidents.ingest.services import events_ingest
from incidents.models import Incident


def sqli_line(ip: str, n: int = 1, stamp: datetime | None = None) -> str:
    stamp = stamp or datetime.now(UTC)
    return (
        f'{ip} - - [{stamp:%d/%b/%Y:%H:%M:%S +0000}] "GET /p.php?id={n}%27%20UNION%20SELECT%201,2-- HTTP/1.1" '
        '200 81 "-" "-"'
    )


def brute_force_lines(ip: str, count: int = 12, host: str = "web01") -> list[str]:
    now = datetime.now(UTC)
    return [
        f"{now:%b} {now.day:2d} {now:%H:%M:%S} {host} sshd[{1000 + n}]: Failed password for root from {ip} port {40000 + n} ssh2"
        for n in range(count)
    ]


def ingest(organization, items, source, *, synthetic=False):
    result = events_ingest(
        organization=organization,
        items=items,
        default_source=source,
        endpoint="ingest/multi",
        synthetic=synthetic,
    )
    batch_detect(organization_id=organization.pk, batch_id=result.batch.pk)
    return result


def incident_from(organization, ip: str, *, synthetic=False, source="web") -> Incident:
    lines = [sqli_line(ip)] if source == "web" else brute_force_lines(ip)
    ingest(organization, lines, source, synthetic=synthetic)
    return Incident.objects.for_organization(organization).filter(source_ip=ip).latest("created_at")
