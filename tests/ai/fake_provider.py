"""A local HTTP server that speaks the providers' wire formats, so the real client libraries
(anthropic, openai) and Palisade's Bedrock/Vertex HTTP clients run end to end without the internet.

Each request is recorded; `reply` is the text the model answers with; `status`/`error` make the
next answers fail the way the provider would.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

GOOD_KEY = "sk-ant-api03-GOODKEY-0123456789abcdef"
GOOD_OPENAI_KEY = "sk-proj-GOODKEY-0123456789abcdef"
VERTEX_TOKEN = "ya29.fake-access-token"


class FakeProvider:
    def __init__(self):
        self.requests: list[dict[str, Any]] = []
        self.reply = "OK"
        self.status: int | None = None
        self.error: dict[str, Any] | None = None
        self.bedrock_verifier = None  # callable(method, url, headers, body) -> bool
        self.vertex_public_key = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _send(self, status: int, body: Any):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _handle(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                record = {
                    "method": method,
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "raw": raw,
                }
                try:
                    record["json"] = json.loads(raw) if raw and raw[:1] in b"{[" else None
                except ValueError:
                    record["json"] = None
                server.requests.append(record)
                status, body = server.answer(method, self.path, record)
                self._send(status, body)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- the providers' answers

    def answer(self, method: str, path: str, record: dict[str, Any]) -> tuple[int, Any]:
        if self.status is not None:
            return self.status, self.error or {"error": {"message": "upstream failure"}}
        parts = urlsplit(path)
        headers = {k.lower(): v for k, v in record["headers"].items()}
        if parts.path.startswith("/openai/deployments/"):
            return self._azure(parts, headers, record)
        if parts.path.startswith("/model/") and parts.path.endswith("/converse"):
            return self._bedrock(parts, headers, record)
        if parts.path == "/token":
            return self._vertex_token(record)
        if ":generateContent" in parts.path or ":rawPredict" in parts.path:
            return self._vertex_model(parts, headers, record)
        if "anthropic-version" in headers:
            return self._anthropic(method, parts.path, headers, record)
        return self._openai(method, parts.path, headers, record)

    def _anthropic(self, method, path, headers, record):
        # The anthropic library sends the key as x-api-key or, in recent versions, as a bearer token.
        key = headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ")
        if key != GOOD_KEY:
            return 401, {
                "type": "error",
                "error": {"type": "authentication_error", "message": f"invalid x-api-key {key}"},
            }
        if method == "GET" and path.startswith("/v1/models/"):
            model = unquote(path.rsplit("/", 1)[1])
            if not model.startswith("claude"):
                return 404, {
                    "type": "error",
                    "error": {"type": "not_found_error", "message": f"model: {model}"},
                }
            return 200, {
                "type": "model",
                "id": model,
                "display_name": "Claude Sonnet 4.5",
                "created_at": "2025-09-29T00:00:00Z",
            }
        if method == "POST" and path == "/v1/messages":
            return 200, self._anthropic_message(record["json"]["model"])
        return 404, {"type": "error", "error": {"type": "not_found_error", "message": path}}

    def _anthropic_message(self, model):
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": self.reply}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 34},
        }

    def _chat_completion(self, model):
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": self.reply}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 12, "completion_tokens": 34, "total_tokens": 46},
        }

    def _openai(self, method, path, headers, record):
        if headers.get("authorization") != f"Bearer {GOOD_OPENAI_KEY}":
            return 401, {
                "error": {
                    "message": "Incorrect API key provided: sk-proj-****",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            }
        if method == "GET" and path.startswith("/v1/models/"):
            return 200, {
                "id": unquote(path[len("/v1/models/") :]),
                "object": "model",
                "created": 0,
                "owned_by": "system",
            }
        if method == "POST" and path == "/v1/chat/completions":
            return 200, self._chat_completion(record["json"]["model"])
        return 404, {"error": {"message": f"Unknown path {path}"}}

    def _azure(self, parts, headers, record):
        if headers.get("api-key") != GOOD_OPENAI_KEY:
            return 401, {
                "error": {"code": "401", "message": "Access denied due to invalid subscription key."}
            }
        if "api-version" not in parse_qs(parts.query):
            return 404, {"error": {"message": "Resource not found"}}
        deployment = parts.path.split("/")[3]
        return 200, self._chat_completion(deployment)

    def _bedrock(self, parts, headers, record):
        if self.bedrock_verifier is None or not self.bedrock_verifier(
            "POST", self.url + parts.path, headers, record["raw"]
        ):
            return 403, {
                "message": "The request signature we calculated does not match the signature you provided."
            }
        return 200, {
            "output": {"message": {"role": "assistant", "content": [{"text": self.reply}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 5, "outputTokens": 2, "totalTokens": 7},
        }

    def _vertex_token(self, record):
        import jwt

        form = parse_qs(record["raw"].decode())
        try:
            claims = jwt.decode(
                form["assertion"][0],
                self.vertex_public_key,
                algorithms=["RS256"],
                audience=self.url + "/token",
            )
        except Exception:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        record["claims"] = claims
        return 200, {"access_token": VERTEX_TOKEN, "expires_in": 3599, "token_type": "Bearer"}

    def _vertex_model(self, parts, headers, record):
        if headers.get("authorization") != f"Bearer {VERTEX_TOKEN}":
            return 401, {
                "error": {
                    "code": 401,
                    "message": "Request had invalid authentication credentials.",
                    "status": "UNAUTHENTICATED",
                }
            }
        if ":rawPredict" in parts.path:
            return 200, self._anthropic_message(parts.path.rsplit("/", 1)[1].split(":")[0])
        return 200, {
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": self.reply}]}, "finishReason": "STOP"}
            ]
        }
