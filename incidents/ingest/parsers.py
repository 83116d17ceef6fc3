"""One parser per source type, each turning one input item into the normalised event schema.

The schema (a plain dict, written to incidents.Event as is): timestamp, source_type, src_ip,
src_port, dst_ip, dst_port, user, action, outcome, message, raw, fields (everything else the
source carries: eventid, command, url, method, path, status, user_agent, program, sha256, ...),
parsed and parse_error. A parser never raises: input it cannot read comes back with
parsed=False, the raw text kept and the reason in parse_error, so nothing is dropped.

Actions used across sources: login, invalid_user, connection, disconnect, probe, command,
file_download, file_upload, sudo, http_request, client_info, other. Outcomes: success, failure
or "" (not applicable).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus, urlsplit

MAX_RAW_CHARS = 65_536

Normalised = dict[str, Any]


def _now() -> datetime:
    return datetime.now(UTC)


_DOTTED = re.compile(r"^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")


def _ip(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    if _DOTTED.match(value):  # the common case, without ipaddress's per-octet parsing
        return value
    if ":" not in value:  # neither dotted IPv4 nor IPv6 (a host name): skip the costly exception
        return None
    try:
        return str(ipaddress.ip_address(value.strip().strip("[]")))
    except ValueError:
        return None


def _port(value: Any) -> int | None:
    try:
        port = int(value)
    except (TypeError, ValueError):
        return None
    return port if 0 <= port <= 65535 else None


def parse_timestamp(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value:
        text = value.strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def empty(source_type: str, raw: str) -> Normalised:
    return {
        "timestamp": None,
        "source_type": source_type,
        "src_ip": None,
        "src_port": None,
        "dst_ip": None,
        "dst_port": None,
        "user": "",
        "action": "",
        "outcome": "",
        "message": "",
        "raw": raw[:MAX_RAW_CHARS],
        "fields": {},
        "parsed": True,
        "parse_error": "",
    }


def unparseable(source_type: str, raw: str, reason: str) -> Normalised:
    event = empty(source_type, raw)
    event.update(parsed=False, parse_error=reason[:300], message=raw[:1000], timestamp=_now())
    return event


def _as_text(item: Any) -> str:
    if isinstance(item, str):
        return item
    try:
        return json.dumps(item, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return repr(item)


# --- Cowrie -----------------------------------------------------------------------------------

COWRIE_ACTIONS: dict[str, tuple[str, str]] = {
    "cowrie.session.connect": ("connection", "success"),
    "cowrie.login.failed": ("login", "failure"),
    "cowrie.login.success": ("login", "success"),
    "cowrie.command.input": ("command", "success"),
    "cowrie.command.failed": ("command", "failure"),
    "cowrie.session.file_download": ("file_download", "success"),
    "cowrie.session.file_download.failed": ("file_download", "failure"),
    "cowrie.session.file_upload": ("file_upload", "success"),
    "cowrie.session.closed": ("disconnect", ""),
    "cowrie.client.version": ("client_info", ""),
    "cowrie.client.kex": ("client_info", ""),
    "cowrie.direct-tcpip.request": ("tunnel", ""),
}
COWRIE_KEEP = ("session", "protocol", "sensor", "version", "hassh", "duration", "duration_ms", "destfile")


def parse_cowrie(item: Any) -> Normalised:
    raw = _as_text(item)
    if isinstance(item, str):
        try:
            item = json.loads(item)
        except ValueError:
            return unparseable("cowrie", raw, "not JSON")
    if not isinstance(item, dict):
        return unparseable("cowrie", raw, "a Cowrie event is a JSON object")
    eventid = item.get("eventid")
    if not isinstance(eventid, str) or not eventid.startswith("cowrie."):
        return unparseable("cowrie", raw, "no Cowrie eventid")
    timestamp = parse_timestamp(item.get("timestamp"))
    if timestamp is None:
        return unparseable("cowrie", raw, "no valid timestamp")
    event = empty("cowrie", raw)
    action, outcome = COWRIE_ACTIONS.get(eventid, (eventid.removeprefix("cowrie.").split(".")[0], ""))
    fields: dict[str, Any] = {"eventid": eventid}
    for key in COWRIE_KEEP:
        if key in item:
            fields[key] = item[key]
    if "input" in item:
        fields["command"] = str(item["input"])
    if "password" in item:
        fields["password"] = str(item["password"])
    if "url" in item:
        fields["url"] = str(item["url"])
    if "shasum" in item:
        fields["sha256"] = str(item["shasum"]).lower()
    event.update(
        timestamp=timestamp,
        src_ip=_ip(item.get("src_ip")),
        src_port=_port(item.get("src_port")),
        dst_ip=_ip(item.get("dst_ip")),
        dst_port=_port(item.get("dst_port")),
        user=str(item.get("username") or "")[:200],
        action=action,
        outcome=outcome,
        message=str(item.get("message") or "")[:4000],
        fields=fields,
    )
    return event


# --- syslog auth.log (OpenSSH, Linux PAM, sudo, su) -------------------------------------------

_SYSLOG = re.compile(
    r"^(?:<\d+>)?(?:(?P<bsd>[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2})|(?P<iso>\d{4}-\d{2}-\d{2}[T ]\S+))\s+"
    r"(?P<host>\S+)\s+(?P<program>[\w./-]+(?:\([\w./-]+\))?)(?:\[(?P<pid>\d+)\])?:\s*(?P<msg>.*)$"
)
_IP = r"(?P<ip>[0-9a-fA-F:.]+)"
_PORT = r"(?: port (?P<port>\d+))?"
# The source address is the one sshd itself writes last ("from IP port N sshV" before an optional
# ": auth-info" or the end): a user name or auth-info that contains "from 10.0.0.1 port 1 ssh2" must not
# put a forged address on the event (a known log-injection trick against ban tools).
_TAIL = rf" from {_IP}(?: port (?P<port>\d+))?(?: ssh\d)?(?=:|\s*$)"
_SSHD_PATTERNS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(rf"^Failed (?P<method>\S+) for (?:invalid user )?(?P<user>.*?){_TAIL}"), "login", "failure"),
    (re.compile(rf"^Accepted (?P<method>\S+) for (?P<user>\S+){_TAIL}"), "login", "success"),
    (re.compile(rf"^[Ii]nvalid user (?P<user>.*?){_TAIL}"), "invalid_user", "failure"),
    (
        re.compile(
            rf"^error: maximum authentication attempts exceeded for (?:invalid user )?(?P<user>\S+) from {_IP}{_PORT}"
        ),
        "login",
        "failure",
    ),
    (
        re.compile(
            rf"^(?:error: )?PAM: (?:[Aa]uthentication (?:failure|error)|User not known.*?) for (?:illegal user )?(?P<user>\S+) from {_IP}"
        ),
        "login",
        "failure",
    ),
    (re.compile(rf"^User (?P<user>\S+) from {_IP} not allowed because"), "login", "failure"),
    (re.compile(rf"^ROOT LOGIN REFUSED FROM (?:::ffff:)?{_IP}"), "login", "failure"),
    (
        re.compile(r"authentication failures?;.*?\brhost=(?P<ip>\S*)(?:\s+user=(?P<user>\S+))?"),
        "login",
        "failure",
    ),
    (re.compile(rf"^Did not receive identification string from {_IP}{_PORT}"), "probe", "failure"),
    (re.compile(rf"^Bad protocol version identification .*? from {_IP}{_PORT}\s*$"), "probe", "failure"),
    (
        re.compile(rf"^(?:error: )?kex_exchange_identification: .*?(?:from {_IP}{_PORT})?$"),
        "probe",
        "failure",
    ),
    (re.compile(rf"^banner exchange: Connection from {_IP}{_PORT}"), "probe", "failure"),
    (re.compile(rf"^(?:fatal: )?Unable to negotiate with {_IP}{_PORT}"), "probe", "failure"),
    (
        re.compile(
            rf"^Connection (?:closed|reset) by (?:authenticating user (?P<user>.+?) |invalid user (?P<iuser>.*?) )?{_IP}{_PORT}(?: \[preauth\])?\s*$"
        ),
        "disconnect",
        "",
    ),
    (re.compile(rf"^(?:error: )?Received disconnect from {_IP}{_PORT}"), "disconnect", ""),
    (
        re.compile(
            rf"^Disconnected from (?:authenticating |invalid )?(?:user (?P<user>.+?) )?{_IP}{_PORT}(?: \[preauth\])?\s*$"
        ),
        "disconnect",
        "",
    ),
    (re.compile(rf"^Connection from {_IP}{_PORT}"), "connection", "success"),
    (
        re.compile(r"^pam_unix\([\w-]+:session\): session opened for user (?P<user>[^\s(]+)"),
        "session_open",
        "success",
    ),
    (re.compile(r"^FAILED SU \(to (?P<target>\S+)\) (?P<user>\S+)"), "su", "failure"),
]
_SOLARIS_TAG = re.compile(r"^\[ID \d+ [\w.]+\] ")
_REPEATED = re.compile(r"^message repeated (?P<n>\d+) times: \[ ?(?P<msg>.*?) ?\]$")
_SUDO = re.compile(
    r"^\s*(?P<user>\S+) : (?:.*?; )?(?:TTY=\S+ ; )?PWD=\S+ ; USER=(?P<target>\S+) ; COMMAND=(?P<command>.*)$"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


def _bsd_time(text: str, now: datetime) -> datetime | None:
    try:
        month, day, clock = text.split()
        hour, minute, second = (int(x) for x in clock.split(":"))
        stamp = datetime(now.year, _MONTHS[month], int(day), hour, minute, second, tzinfo=UTC)
    except (KeyError, ValueError):
        return None
    # Syslog has no year: a date more than a day ahead belongs to last year.
    if stamp - now > timedelta(days=1):
        stamp = stamp.replace(year=now.year - 1)
    return stamp


def parse_sshd(item: Any) -> Normalised:
    raw = _as_text(item).rstrip("\r\n")
    if not isinstance(item, str):
        return unparseable("sshd", raw, "an auth.log item is one text line")
    header = _SYSLOG.match(raw)
    if header is None:
        return unparseable("sshd", raw, "not a syslog line")
    stamp = _bsd_time(header["bsd"], _now()) if header["bsd"] else parse_timestamp(header["iso"])
    if stamp is None:
        return unparseable("sshd", raw, "unreadable syslog timestamp")
    event = empty("sshd", raw)
    message = _SOLARIS_TAG.sub("", header["msg"], count=1)
    fields: dict[str, Any] = {"program": header["program"], "host": header["host"]}
    repeated = _REPEATED.match(message)
    if repeated:
        fields["repeat"] = int(repeated["n"])
        message = repeated["msg"]
    event.update(timestamp=stamp, message=message, action="other", fields=fields, dst_ip=_ip(header["host"]))
    if header["program"] == "sudo":
        sudo = _SUDO.match(message)
        if sudo:
            event.update(action="sudo", outcome="success", user=sudo["user"])
            fields.update(target_user=sudo["target"], command=sudo["command"])
        elif "authentication failure" not in message and "incorrect password" not in message:
            return event
    for pattern, action, outcome in _SSHD_PATTERNS:
        found = pattern.search(message)
        if found is None:
            continue
        groups = found.groupdict()
        user = groups.get("user") or groups.get("iuser") or ""
        event.update(action=action, outcome=outcome, user=user[:200])
        ip = groups.get("ip")
        if ip:
            event["src_ip"] = _ip(ip)
            if event["src_ip"] is None and action == "login":
                fields["rhost"] = ip  # PAM logs a hostname when it resolved one
        event["src_port"] = _port(groups.get("port"))
        if groups.get("method"):
            fields["auth_method"] = groups["method"]
            fields["invalid_user"] = " for invalid user " in message
        if groups.get("target"):
            fields["target_user"] = groups["target"]
        if "pam_unix" in message or "pam_" in message[:12]:
            fields["pam"] = True
        break
    return event


# --- web access logs (combined / common) ------------------------------------------------------

_ACCESS = re.compile(
    r'^(?P<ip>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] "(?P<request>[^"\\]*(?:\\.[^"\\]*)*)" '
    r"(?P<status>\d{3}) (?P<bytes>\d+|-)(?: \"(?P<referer>[^\"\\]*(?:\\.[^\"\\]*)*)\" "
    r"\"(?P<agent>[^\"\\]*(?:\\.[^\"\\]*)*)\")?"
)


_ACCESS_TIME = re.compile(r"^(\d{2})/([A-Z][a-z]{2})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$")


def _access_time(text: str) -> datetime | None:
    found = _ACCESS_TIME.match(text)
    if found is None or found[2] not in _MONTHS:
        return None
    day, _, year, hour, minute, second, sign, off_h, off_m = found.groups()
    try:
        local = datetime(
            int(year), _MONTHS[found[2]], int(day), int(hour), int(minute), int(second), tzinfo=UTC
        )
    except ValueError:
        return None
    offset = timedelta(hours=int(off_h), minutes=int(off_m))
    return local - offset if sign == "+" else local + offset


def parse_web(item: Any) -> Normalised:
    raw = _as_text(item).rstrip("\r\n")
    if not isinstance(item, str):
        return unparseable("web", raw, "an access-log item is one text line")
    found = _ACCESS.match(raw)
    if found is None:
        return unparseable("web", raw, "not an access-log line in combined or common format")
    stamp = _access_time(found["time"])
    if stamp is None:
        return unparseable("web", raw, "unreadable access-log timestamp")
    request = found["request"]
    parts = request.split(" ")
    method, target, protocol = ([*parts, "", "", ""])[:3] if len(parts) >= 2 else ("", request, "")
    split = urlsplit(target) if target.startswith("/") or "://" in target else None
    path = split.path if split else target
    query = split.query if split else ""
    status = int(found["status"])
    event = empty("web", raw)
    event.update(
        timestamp=stamp,
        src_ip=_ip(found["ip"]),
        user="" if found["user"] == "-" else found["user"][:200],
        action="http_request",
        outcome="failure" if status >= 400 else "success",
        message=request[:4000],
        fields={
            "method": method,
            "url": target,
            "path": path,
            "query": query,
            "url_decoded": unquote_plus(unquote_plus(target)),
            "protocol": protocol,
            "status": status,
            "bytes": 0 if found["bytes"] == "-" else int(found["bytes"]),
            "referer": "" if found["referer"] in (None, "-") else found["referer"],
            "user_agent": "" if found["agent"] in (None, "-") else found["agent"],
        },
    )
    return event


# --- generic JSON -----------------------------------------------------------------------------

_ALIASES = {
    "timestamp": ("timestamp", "@timestamp", "time", "ts", "event_time", "date"),
    "src_ip": ("src_ip", "source_ip", "src", "client_ip", "ip", "remote_addr", "srcip"),
    "dst_ip": ("dst_ip", "dest_ip", "destination_ip", "dst", "dstip", "server_ip"),
    "src_port": ("src_port", "source_port", "sport", "srcport"),
    "dst_port": ("dst_port", "dest_port", "destination_port", "dport", "dstport", "port"),
    "user": ("user", "username", "user_name", "account"),
    "action": ("action", "event_type", "event", "type"),
    "outcome": ("outcome", "result", "status"),
    "message": ("message", "msg", "log", "description"),
}
_OUTCOMES = {
    "success": "success",
    "succeeded": "success",
    "ok": "success",
    "allowed": "success",
    "accept": "success",
    "failure": "failure",
    "failed": "failure",
    "fail": "failure",
    "denied": "failure",
    "blocked": "failure",
    "rejected": "failure",
    "drop": "failure",
}


def parse_json(item: Any) -> Normalised:
    raw = _as_text(item)
    if isinstance(item, str):
        try:
            item = json.loads(item)
        except ValueError:
            return unparseable("json", raw, "not JSON")
    if not isinstance(item, dict):
        return unparseable("json", raw, "a generic JSON event is an object")
    if isinstance(item.get("eventid"), str) and item["eventid"].startswith("cowrie."):
        return parse_cowrie(item)
    event = empty("json", raw)
    used: set[str] = set()

    def pick(name: str) -> Any:
        for key in _ALIASES[name]:
            if key in item and item[key] not in (None, ""):
                used.add(key)
                return item[key]
        return None

    stamp = parse_timestamp(pick("timestamp"))
    outcome = pick("outcome")
    event.update(
        timestamp=stamp or _now(),
        src_ip=_ip(pick("src_ip")),
        dst_ip=_ip(pick("dst_ip")),
        src_port=_port(pick("src_port")),
        dst_port=_port(pick("dst_port")),
        user=str(pick("user") or "")[:200],
        action=str(pick("action") or "").lower()[:40],
        outcome=_OUTCOMES.get(str(outcome).lower(), "") if outcome is not None else "",
        message=str(pick("message") or "")[:4000],
        fields={k: v for k, v in item.items() if k not in used},
    )
    if stamp is None:
        event["fields"]["timestamp_assumed"] = True
    return event


# --- free text (POST detect with an unknown format) -------------------------------------------

_ANY_IP = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")


def parse_text(item: Any) -> Normalised:
    raw = _as_text(item).strip()
    event = empty("text", raw)
    found = _ANY_IP.search(raw)
    event.update(timestamp=_now(), message=raw[:4000], src_ip=_ip(found.group(0)) if found else None)
    return event


PARSERS: dict[str, Callable[[Any], Normalised]] = {
    "cowrie": parse_cowrie,
    "sshd": parse_sshd,
    "web": parse_web,
    "json": parse_json,
    "text": parse_text,
}
# Accepted spellings of source types in ingest/multi.
SOURCE_ALIASES = {
    "cowrie": "cowrie",
    "sshd": "sshd",
    "auth": "sshd",
    "auth.log": "sshd",
    "authlog": "sshd",
    "ssh": "sshd",
    "pam": "sshd",
    "syslog": "sshd",
    "web": "web",
    "apache": "web",
    "nginx": "web",
    "access_log": "web",
    "access.log": "web",
    "combined": "web",
    "json": "json",
    "generic": "json",
}


def parse(source_type: str, item: Any) -> Normalised:
    return PARSERS[source_type](item)


def sniff(item: Any) -> Normalised:
    """Best-effort parse of one entry whose format is not declared (POST detect)."""
    if isinstance(item, dict):
        return parse_json(item)
    text = str(item).strip()
    if text.startswith("{"):
        event = parse_json(text)
        if event["parsed"]:
            return event
    for parser in (parse_web, parse_sshd):
        event = parser(text)
        if event["parsed"]:
            return event
    return parse_text(text)
