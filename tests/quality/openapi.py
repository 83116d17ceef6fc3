"""The operations of the served OpenAPI schema, as the quality gates see them.

Everything here is derived from `/api/schema/` and the URL resolver, never from a list kept
by hand, so an endpoint added later is enumerated without anyone touching this file.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.test import Client
from django.urls import Resolver404, resolve

from tests.quality.scope import covered_apps

SCHEMA_URL = "/api/schema/?format=json"
METHODS = ("get", "post", "put", "patch", "delete")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PARAM = re.compile(r"\{([^}]+)\}")


@cache
def raw_schema() -> dict:
    """The schema exactly as /api/schema/ serves it (no database needed)."""
    response = Client().get(SCHEMA_URL)
    assert response.status_code == 200, response.content[:300]
    return response.json()


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict = field(repr=False, compare=False, hash=False)
    app: str

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return _PARAM.findall(self.path)

    @property
    def public(self) -> bool:
        """Callable without credentials (the schema lists an empty security requirement)."""
        return {} in self.spec.get("security", [{}])

    @property
    def unsafe(self) -> bool:
        return self.method in UNSAFE

    @property
    def is_list(self) -> bool:
        """A paginated collection: GET without path parameters answering `meta.pagination`."""
        if self.method != "GET" or self.path_params:
            return False
        schema = _success_schema(self.spec)
        meta = resolve_ref(schema.get("properties", {}).get("meta", {}))
        return "pagination" in meta.get("properties", {})

    def url(self, params: dict[str, Any]) -> str:
        return _PARAM.sub(lambda m: str(params[m.group(1)]), self.path)

    def body(self, hints: dict | None = None) -> dict | None:
        """A minimal valid JSON body (None when the operation takes none).

        A body field named like one of `hints` (the values a resource creator returned, e.g.
        `user_id` of a member who may join a team) takes that value instead of a made-up one.
        """
        content = self.spec.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            return None
        body = minimal_value(schema)
        if isinstance(body, dict) and hints:
            properties = resolve_ref(schema).get("properties", {})
            body.update(
                {k: str(v) for k, v in hints.items() if k in properties and k not in self.path_params}
            )
        return body

    def send(self, client, params: dict | None = None, *, body: Any = None, query: dict | None = None):
        """Calls the operation with a DRF test client, as JSON."""
        url = self.url(params or {})
        if self.method == "GET":
            return client.get(url, query or {})
        return client.generic(
            self.method, url, json.dumps(body) if body is not None else "", content_type="application/json"
        )


def _success_schema(spec: dict) -> dict:
    for code, response in spec.get("responses", {}).items():
        if code.startswith("2"):
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema:
                return resolve_ref(schema)
    return {}


def resolve_ref(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = raw_schema()["components"]["schemas"][name]
    return schema


def minimal_value(schema: dict) -> Any:
    """The smallest value the schema accepts: required properties only, first enum choices."""
    schema = resolve_ref(schema)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            if combinator == "allOf":
                merged: dict = {}
                for part in schema["allOf"]:
                    value = minimal_value(part)
                    if isinstance(value, dict):
                        merged.update(value)
                return merged
            return minimal_value(schema[combinator][0])
    if "enum" in schema:
        return next((choice for choice in schema["enum"] if choice not in (None, "")), schema["enum"][0])
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: minimal_value(properties[name])
            for name in schema.get("required", [])
            if name in properties and not properties[name].get("readOnly")
        }
    if kind == "array":
        return [minimal_value(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    return _minimal_string(schema)


def _minimal_string(schema: dict) -> str:
    formats = {
        "email": f"probe-{uuid.uuid4().hex[:8]}@example.com",
        "uuid": str(uuid.uuid4()),
        "date-time": "2030-01-01T00:00:00Z",
        "date": "2030-01-01",
        "uri": "https://example.com/hook",
        "password": "Probe-Passphrase-8271",
    }
    if schema.get("format") in formats:
        return formats[schema["format"]]
    length = max(schema.get("minLength", 1), 1)
    return ("probe-" + uuid.uuid4().hex)[: max(length, 12)].ljust(length, "x")


@cache
def _view_modules() -> dict[str, str]:
    """Path template -> module of the view serving it, enumerated the way drf-spectacular does."""
    from drf_spectacular.generators import EndpointEnumerator

    found = {}
    for path, _regex, _method, callback in EndpointEnumerator().get_api_endpoints():
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback
        found[path] = view.__module__
    return found


def owning_app(path: str) -> str:
    """The Django app whose view serves a path template."""
    module = _view_modules().get(path)
    if module is None:
        for sample in (str(uuid.uuid4()), "1", "probe"):
            try:
                match = resolve(_PARAM.sub(sample, path))
            except Resolver404:
                continue
            view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None) or match.func
            module = view.__module__
            break
    if module is None:
        raise AssertionError(f"{path} is in the schema but no URL resolves it")
    return module.split(".")[0]


@cache
def all_operations() -> tuple[Operation, ...]:
    found = []
    for path, item in raw_schema()["paths"].items():
        app = owning_app(path)
        for method in METHODS:
            if method in item:
                found.append(Operation(method.upper(), path, item[method], app))
    return tuple(found)


def operations() -> list[Operation]:
    """Every operation of the apps in scope (see tests/quality/scope.py)."""
    apps = covered_apps()
    return [op for op in all_operations() if apps is None or op.app in apps]


def operation(method: str, path: str) -> Operation:
    return next(op for op in all_operations() if op.method == method and op.path == path)
