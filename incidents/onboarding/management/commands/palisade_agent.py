"""palisade-agent: the reference agent. Enrolls with a token, heartbeats, forwards a log file to
ingest, and executes the platform's commands, in dry-run mode unless --execute is given.

    python manage.py palisade_agent --server http://127.0.0.1:8000 --token pal_enr_... \
        --log-file /var/log/auth.log --state-file /var/lib/palisade-agent.json

Every request after enrollment is signed with the device HMAC (incidents.ingest.auth). The state
file keeps the device id, the secret (mode 0600) and the log offset, so a restart resumes where it
stopped. In --execute mode block_ip / unblock_ip run iptables; other actions are reported as
unsupported rather than pretended.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from incidents.ingest.auth import signature_for

VERSION = "1.0.0"
DEFAULT_CAPABILITIES = (
    "block_ip,unblock_ip,isolate_host,release_host,reset_passwords,disable_user,forensic_dump"
)
MAX_LINES = 500


class AgentError(Exception):
    pass


class Unreachable(AgentError):
    """The server did not answer; the agent tries again next cycle."""


class Agent:
    def __init__(self, *, server: str, state_file: Path, timeout: float = 30.0):
        self.server = server.rstrip("/")
        self.state_file = state_file
        self.timeout = timeout
        self.state: dict[str, Any] = json.loads(state_file.read_text()) if state_file.exists() else {}

    def save(self) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.state))
        os.chmod(temporary, 0o600)
        temporary.replace(self.state_file)

    def request(self, method: str, path: str, payload: Any = None, *, signed: bool = True) -> tuple[int, Any]:
        body = b"" if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "User-Agent": f"palisade-agent/{VERSION}"}
        if signed:
            ts, nonce = str(int(time.time())), uuid.uuid4().hex
            headers.update(
                {
                    "X-Device-ID": self.state["device_id"],
                    "X-TS": ts,
                    "X-Nonce": nonce,
                    "X-Signature": signature_for(
                        secret=self.state["secret"], method=method, path=path, ts=ts, nonce=nonce, body=body
                    ),
                }
            )
        request = urllib.request.Request(  # noqa: S310  (the server URL is the operator's)
            self.server + path, data=body if method != "GET" else None, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read() or b"{}")
            except ValueError:
                return error.code, {}
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise Unreachable(f"{method} {path}: {error}") from error

    def enroll(self, *, token: str, hostname: str, capabilities: list[str]) -> None:
        if self.state.get("device_id"):
            return
        status, body = self.request(
            "POST",
            "/api/v1/agents/enroll",
            {
                "token": token,
                "hostname": hostname,
                "os": platform.system().lower(),
                "version": VERSION,
                "capabilities": capabilities,
            },
            signed=False,
        )
        if status != 201:
            raise AgentError(f"enrollment refused ({status}): {body.get('error', body)}")
        data = body["data"]
        self.state.update(
            {"agent_id": data["agent_id"], "device_id": data["device_id"], "secret": data["secret"]}
        )
        self.save()

    def heartbeat(self, *, dry_run: bool, capabilities: list[str]) -> dict[str, Any]:
        status, body = self.request(
            "POST",
            "/api/v1/agents/heartbeat",
            {"version": VERSION, "dry_run": dry_run, "capabilities": capabilities},
        )
        if status != 200:
            raise AgentError(f"heartbeat refused ({status}): {body.get('error', body)}")
        return body["data"]

    def ship_logs(self, *, log_file: Path, source_type: str, from_start: bool) -> int:
        if not log_file.exists():
            return 0
        key = f"offset:{log_file}"
        size = log_file.stat().st_size
        offset = self.state.get(key)
        if offset is None:
            offset = 0 if from_start else size
        if offset > size:  # rotated or truncated: start over
            offset = 0
        with log_file.open("rb") as handle:
            handle.seek(offset)
            chunk = handle.read()
        complete, _, _ = chunk.rpartition(b"\n")
        lines = [line for line in complete.decode(errors="replace").splitlines() if line.strip()]
        shipped = 0
        for start in range(0, len(lines), MAX_LINES):
            batch = lines[start : start + MAX_LINES]
            status, body = self.request(
                "POST", "/api/v1/ingest/multi", {"source_type": source_type, "events": batch}
            )
            if status != 202:
                raise AgentError(f"ingest refused ({status}): {body.get('error', body)}")
            shipped += len(batch)
        if complete:
            self.state[key] = offset + len(complete) + 1
            self.save()
        return shipped

    def commands(self) -> list[dict[str, Any]]:
        status, body = self.request("GET", "/api/v1/agents/commands")
        if status != 200:
            raise AgentError(f"command poll refused ({status}): {body.get('error', body)}")
        return body["data"]["commands"]

    def report(self, command_id: str, *, success: bool, output: str, simulated: bool) -> None:
        status, body = self.request(
            "POST",
            f"/api/v1/agents/commands/{command_id}/result",
            {"success": success, "output": output, "simulated": simulated},
        )
        if status not in (200, 409):  # 409: already reported (a retry after a lost answer)
            raise AgentError(f"result refused ({status}): {body.get('error', body)}")


IPTABLES = {
    "block_ip": ["-I", "INPUT", "-s", "{ip}", "-j", "DROP"],
    "unblock_ip": ["-D", "INPUT", "-s", "{ip}", "-j", "DROP"],
}


def execute(command: dict[str, Any], *, dry_run: bool) -> tuple[bool, str]:
    action, params = command["action"], command.get("params") or {}
    argv = ["iptables", *[part.format(**params) for part in IPTABLES[action]]] if action in IPTABLES else []
    if dry_run:
        plan = " ".join(argv) if argv else f"{action} {json.dumps(params, sort_keys=True)}"
        return True, f"dry-run: would run {plan}"
    if not argv:
        return False, f"{action} is not supported by the reference agent in --execute mode"
    binary = shutil.which("iptables")
    if binary is None:
        return False, "iptables is not installed on this host"
    completed = subprocess.run(  # noqa: S603  (fixed argv; params are validated IPs)
        [binary, *argv[1:]], capture_output=True, text=True, timeout=30, check=False
    )
    output = (completed.stdout + completed.stderr).strip() or f"{' '.join(argv)}: exit {completed.returncode}"
    return completed.returncode == 0, output


class Command(BaseCommand):
    help = "Run the Palisade reference agent (enroll, heartbeat, forward logs, execute commands)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--server", required=True, help="Base URL of Palisade, e.g. http://127.0.0.1:8000"
        )
        parser.add_argument("--token", default="", help="Enrollment token (needed until enrolled)")
        parser.add_argument("--state-file", default="var/palisade-agent.json")
        parser.add_argument("--hostname", default=socket.gethostname())
        parser.add_argument("--log-file", default="", help="A log file to forward (e.g. /var/log/auth.log)")
        parser.add_argument("--source-type", default="sshd", help="Source type of the log lines")
        parser.add_argument("--from-start", action="store_true", help="Forward the log from its beginning")
        parser.add_argument("--capabilities", default=DEFAULT_CAPABILITIES)
        parser.add_argument(
            "--execute", action="store_true", help="Really execute commands (default: dry run)"
        )
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between cycles")
        parser.add_argument(
            "--iterations", type=int, default=0, help="Stop after this many cycles (0: never)"
        )

    def handle(self, *args, **options):
        agent = Agent(server=options["server"], state_file=Path(options["state_file"]))
        capabilities = [c.strip() for c in options["capabilities"].split(",") if c.strip()]
        dry_run = not options["execute"]
        if not agent.state.get("device_id") and not options["token"]:
            raise CommandError("Not enrolled yet: pass --token.")
        try:
            cycle = 0
            while True:
                cycle += 1
                try:
                    if not agent.state.get("device_id"):
                        agent.enroll(
                            token=options["token"], hostname=options["hostname"], capabilities=capabilities
                        )
                        self.stdout.write(f"enrolled as {agent.state['agent_id']}")
                    self._cycle(agent, options, capabilities, dry_run)
                except Unreachable as error:
                    self.stderr.write(f"server unreachable, retrying: {error}")
                if options["iterations"] and cycle >= options["iterations"]:
                    return
                time.sleep(options["interval"])
        except AgentError as error:
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            return

    def _cycle(self, agent: Agent, options, capabilities: list[str], dry_run: bool) -> None:
        agent.heartbeat(dry_run=dry_run, capabilities=capabilities)
        if options["log_file"]:
            shipped = agent.ship_logs(
                log_file=Path(options["log_file"]),
                source_type=options["source_type"],
                from_start=options["from_start"],
            )
            if shipped:
                self.stdout.write(f"shipped {shipped} lines")
        for command in agent.commands():
            success, output = execute(command, dry_run=dry_run)
            agent.report(command["id"], success=success, output=output, simulated=dry_run)
            self.stdout.write(
                f"{command['action']} {command['id']}: {'ok' if success else 'failed'} - {output}"
            )
        self.stdout.flush()
