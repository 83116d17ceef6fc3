"""WebSocket test helpers: clients of the real ASGI application."""

from __future__ import annotations

import json

from channels.testing import WebsocketCommunicator

from accounts.tokens import tokens_for
from config.asgi import application

ORIGIN = [(b"origin", b"http://testserver")]


def access_token(membership) -> str:
    return tokens_for(user=membership.user, membership=membership)["access_token"]


def communicator(path: str) -> WebsocketCommunicator:
    """A client of the real ASGI application (auth middleware, origin check and routing included)."""
    return WebsocketCommunicator(application, path, headers=ORIGIN)


async def connect_authenticated(path: str, token: str, *, by: str = "message") -> WebsocketCommunicator:
    if by == "query":
        client = communicator(f"{path}?token={token}")
        connected, _ = await client.connect()
        assert connected
    else:
        client = communicator(path)
        connected, _ = await client.connect()
        assert connected
        await client.send_json_to({"type": "auth", "token": token})
    reply = await client.receive_json_from(timeout=2)
    assert reply["type"] == "authenticated", reply
    return client


async def closed_with(client: WebsocketCommunicator, *, timeout: float = 2) -> tuple[list[dict], int]:
    """Messages received before the server closed the socket, and the close code."""
    messages = []
    while True:
        output = await client.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return messages, output.get("code")
        messages.append(json.loads(output["text"]))
