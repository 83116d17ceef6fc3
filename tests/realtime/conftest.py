"""Fixtures of the realtime tests: a real local HTTP receiver, WebSocket helpers, extra members."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from organizations.models import Role, Team
from tests.factories import MembershipFactory


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 that records every POST and answers from a script."""

    port: int = 0
    requests: list[ReceivedRequest] = field(default_factory=list)
    script: deque = field(default_factory=deque)  # (status, headers, body, delay) per request
    default: tuple = (200, {}, b"ok", 0.0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/palisade"

    def respond(self, status: int, *, headers: dict | None = None, body: bytes = b"", delay: float = 0.0):
        self.script.append((status, headers or {}, body, delay))
        return self


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            receiver.requests.append(
                ReceivedRequest(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
                )
            )
            status, headers, body, delay = receiver.script.popleft() if receiver.script else receiver.default
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_local_webhooks(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    return settings


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def editor_a(org_a):
    return MembershipFactory(organization=org_a, role=Role.EDITOR)


@pytest.fixture
def member_b(org_b):
    return MembershipFactory(organization=org_b, role=Role.VIEWER)


@pytest.fixture
def team_a(org_a):
    return Team.objects.create(organization=org_a, name="Blue team")


@pytest.fixture
def team_b(org_b):
    return Team.objects.create(organization=org_b, name="Red team")


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """The in-memory layer lives for the process: every test starts with no groups or messages."""
    layer = get_channel_layer()
    if hasattr(layer, "flush"):
        async_to_sync(layer.flush)()


@pytest.fixture
def fast_ws(settings):
    settings.WS_AUTH_TIMEOUT_SECONDS = 0.3
    return settings
