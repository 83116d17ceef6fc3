"""A local stand-in for api.stripe.com, for Stripe's official client (stripe.api_base points here).

Holds Stripe objects by id, answers the few endpoints Palisade's production path calls, and
records every request so tests can assert exactly what was (and was not) asked of Stripe.
"""

import copy
import itertools
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.billing import stripe_payloads as payloads

ACCOUNT = {
    "id": "acct_palisade_test",
    "object": "account",
    "business_profile": {"name": "Palisade"},
    "charges_enabled": True,
    "country": "US",
    "created": 1_700_000_000,
    "default_currency": "usd",
    "details_submitted": True,
    "email": "billing@palisade.example",
    "metadata": {},
    "payouts_enabled": True,
    "settings": {"dashboard": {"display_name": "Palisade"}},
    "type": "standard",
}


def _nested(params: dict[str, list[str]]) -> dict:
    """Stripe's form encoding (items[0][price]=x) back into nested dicts and lists."""
    result: dict = {}
    for key, values in params.items():
        parts = key.replace("]", "").split("[")
        target = result
        for part, following in itertools.pairwise(parts):
            container = [] if following.isdigit() else {}
            if isinstance(target, list):
                index = int(part)
                while len(target) <= index:
                    target.append(copy.copy(container))
                target = target[index]
            else:
                target = target.setdefault(part, container)
        last = parts[-1]
        if isinstance(target, list):
            target.append(values[-1])
        else:
            target[last] = values[-1]
    return result


class FakeStripe:
    def __init__(self):
        self.objects: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self._sessions = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.send_header("Request-Id", "req_fake")
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                path = urllib.parse.urlparse(self.path).path
                fake.requests.append(("GET", path, {}))
                self._answer(*fake.get(path))

            def do_POST(self):
                path = urllib.parse.urlparse(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                params = _nested(urllib.parse.parse_qs(self.rfile.read(length).decode()))
                fake.requests.append(("POST", path, params))
                self._answer(*fake.post(path, params))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def put(self, obj: dict) -> dict:
        self.objects[obj["id"]] = copy.deepcopy(obj)
        return obj

    def calls(self, method: str | None = None, prefix: str = "") -> list[tuple[str, str, dict]]:
        return [
            call
            for call in self.requests
            if (method is None or call[0] == method) and call[1].startswith(prefix)
        ]

    @staticmethod
    def _missing(path: str) -> tuple[int, dict]:
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": f"No such object: {path}",
            }
        }

    def get(self, path: str) -> tuple[int, dict]:
        if path == "/v1/account":
            return 200, ACCOUNT
        if path.endswith("/features"):  # a product's entitlement features: none
            return 200, {"object": "list", "data": [], "has_more": False, "url": path}
        obj = self.objects.get(path.rsplit("/", 1)[-1])
        return (200, obj) if obj else self._missing(path)

    def post(self, path: str, params: dict) -> tuple[int, dict]:
        if path == "/v1/checkout/sessions":
            self._sessions += 1
            metadata = params.get("metadata", {})
            session = payloads.checkout_session(
                f"cs_test_{self._sessions}",
                params.get("customer"),
                None,
                organization_id=metadata.get("organization_id"),
                plan=metadata.get("plan", "pro"),
                created=1_800_000_000,
            )
            return 200, self.put(session)
        if path.startswith("/v1/subscriptions/"):
            obj = self.objects.get(path.rsplit("/", 1)[-1])
            if obj is None:
                return self._missing(path)
            for item in params.get("items", []):
                plan = next(
                    code for code, price_id in payloads.PRICES.items() if price_id == item.get("price")
                )
                obj["items"]["data"][0]["price"] = payloads.price(plan)
            if "cancel_at_period_end" in params:
                obj["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"
            obj["metadata"].update(params.get("metadata", {}))
            return 200, obj
        return self._missing(path)
