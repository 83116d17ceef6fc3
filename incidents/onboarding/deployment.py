"""Agent profiles, and which discovered asset gets which one. No database here.

The mapping, by the asset's guessed operating system, then its services:

| OS guess         | profile           | capabilities declared                                   |
|------------------|-------------------|---------------------------------------------------------|
| linux            | `linux-server`    | block_ip, unblock_ip, forensic_dump                     |
| windows          | `windows-server`  | block_ip, unblock_ip, isolate_host, release_host,       |
|                  |                   | disable_user, reset_passwords, forensic_dump            |
| network_device   | none: `agentless` | the device is watched through the logs it forwards      |
| unknown          | none: `review`    | nothing known enough to deploy on; a person decides     |

Log sources follow the services: ssh -> the auth log, a web server -> its access log, a database ->
its audit log, smtp/imap/pop3 -> the mail log, rdp/winrm/smb -> the Windows Security event log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEPLOYABLE = ("linux-server", "windows-server")


@dataclass(frozen=True)
class AgentProfile:
    name: str
    description: str
    capabilities: tuple[str, ...]


PROFILES: dict[str, AgentProfile] = {
    "linux-server": AgentProfile(
        "linux-server",
        "palisade-agent for Linux/Unix: forwards logs, blocks addresses with iptables.",
        ("block_ip", "unblock_ip", "forensic_dump"),
    ),
    "windows-server": AgentProfile(
        "windows-server",
        "palisade-agent for Windows: forwards the Security event log, contains hosts and accounts.",
        (
            "block_ip",
            "unblock_ip",
            "isolate_host",
            "release_host",
            "disable_user",
            "reset_passwords",
            "forensic_dump",
        ),
    ),
    "agentless": AgentProfile(
        "agentless", "A network device: forward its syslog to ingest instead of installing an agent.", ()
    ),
    "review": AgentProfile(
        "review", "Not enough is known about this host to choose an agent; review it by hand.", ()
    ),
}
PROFILE_BY_OS = {
    "linux": "linux-server",
    "windows": "windows-server",
    "network_device": "agentless",
    "unknown": "review",
}
LOG_SOURCES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"ssh"}), "auth log (/var/log/auth.log or /var/log/secure)"),
    (frozenset({"http", "https", "http-alt", "https-alt"}), "web server access log"),
    (
        frozenset({"mysql", "postgresql", "mssql", "oracle", "mongodb", "redis", "elasticsearch"}),
        "database audit log",
    ),
    (frozenset({"smtp", "submission", "imap", "imaps", "pop3", "pop3s"}), "mail log"),
    (frozenset({"rdp", "winrm", "winrm-https", "smb", "msrpc"}), "Windows Security event log"),
)


def profile_for(os_guess: str) -> AgentProfile:
    return PROFILES[PROFILE_BY_OS.get(os_guess, "review")]


def log_sources_for(services: set[str]) -> list[str]:
    return [source for wanted, source in LOG_SOURCES if services & wanted]


def plan_build(assets: list[dict[str, Any]], *, version: int) -> dict[str, Any]:
    """The deployment plan for `assets` (dicts with asset_id, ip, hostname, os_guess, services)."""
    entries = []
    for asset in assets:
        profile = profile_for(asset["os_guess"])
        services = set(asset["services"])
        entries.append(
            {
                "asset_id": str(asset["asset_id"]),
                "ip": asset["ip"],
                "hostname": asset["hostname"],
                "os_guess": asset["os_guess"],
                "services": sorted(services),
                "profile": profile.name,
                "deploy_agent": profile.name in DEPLOYABLE,
                "capabilities": list(profile.capabilities),
                "log_sources": log_sources_for(services) if profile.name in DEPLOYABLE else [],
                # The enrollment token for this host is minted with this label; validation matches
                # the agent that enrolled with it (or that reports this hostname) to the asset.
                "token_label": asset["hostname"] or asset["ip"],
            }
        )
    to_deploy = [entry for entry in entries if entry["deploy_agent"]]
    by_profile: dict[str, int] = {}
    for entry in entries:
        by_profile[entry["profile"]] = by_profile.get(entry["profile"], 0) + 1
    return {
        "version": version,
        "assets": entries,
        "summary": {
            "assets": len(entries),
            "agents_required": len(to_deploy),
            "by_profile": by_profile,
        },
        "agent_token_step": {
            "operation": "POST /api/v1/onboarding/generate-agent-token",
            "tokens_required": len(to_deploy),
            "labels": [entry["token_label"] for entry in to_deploy],
            "instructions": (
                "Mint one token per host with the host's label, then run the agent there: "
                "python manage.py palisade_agent --server <url> --token <token> --capabilities <list>."
            ),
        },
    }
