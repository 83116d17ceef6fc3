"""OpenAPI post-processing: every response appears in the schema wrapped in the envelope."""

from config.api.pagination import PAGINATION_META_SCHEMA

META = {
    "type": "object",
    "properties": {
        "timestamp": {"type": "string", "format": "date-time"},
        "request_id": {"type": "string"},
    },
    "required": ["timestamp", "request_id"],
}
ERROR_ENVELOPE = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "VALIDATION_ERROR"},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message", "details"],
        },
        "meta": {"$ref": "#/components/schemas/Meta"},
    },
    "required": ["error", "meta"],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input (VALIDATION_ERROR).",
    "401": "Missing, invalid or expired credentials (UNAUTHORIZED, TOKEN_EXPIRED).",
    "403": "Authenticated but not allowed (FORBIDDEN, SUBSCRIPTION_REQUIRED).",
    "404": "No such resource in the active organization (NOT_FOUND).",
    "405": "Method not allowed (METHOD_NOT_ALLOWED).",
    "406": "Not acceptable (NOT_ACCEPTABLE).",
    "413": "Body too large (PAYLOAD_TOO_LARGE).",
    "415": "Unsupported media type (UNSUPPORTED_MEDIA_TYPE).",
    "429": "Rate limited (RATE_LIMITED); see Retry-After.",
    "500": "Internal error (INTERNAL_ERROR).",
}
# Errors any /api/v1 operation can answer with.
COMMON_ERRORS = ("400", "401", "403", "404", "405", "406", "413", "415", "429", "500")
RATE_HEADERS = {
    name: {"schema": {"type": "integer"}, "description": description}
    for name, description in (
        ("X-RateLimit-Limit", "Requests allowed in the current window."),
        ("X-RateLimit-Remaining", "Requests left in the current window."),
        ("X-RateLimit-Reset", "Seconds until the window resets."),
    )
}


def _wrap(schema: dict, components: dict) -> dict:
    # Paginated lists arrive as a component (`PaginatedXList`) marked by StandardPagination:
    # the rows become `data` and the page figures go to `meta.pagination`.
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    paginated = bool(components.get(name, {}).get("x-paginated") or schema.get("x-paginated"))
    if name in components and paginated:
        schema = components[name]
    if paginated:
        schema = {key: value for key, value in schema.items() if key != "x-paginated"}
    meta = {"$ref": "#/components/schemas/PaginatedMeta" if paginated else "#/components/schemas/Meta"}
    return {
        "type": "object",
        "properties": {"data": schema, "meta": meta},
        "required": ["data", "meta"],
    }


def envelope_postprocessing_hook(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Meta"] = META
    components["PaginatedMeta"] = {
        "type": "object",
        "properties": {**META["properties"], "pagination": PAGINATION_META_SCHEMA},
        "required": [*META["required"], "pagination"],
    }
    components["ErrorEnvelope"] = ERROR_ENVELOPE
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}

    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code.startswith("2"):
                    for content in response.get("content", {}).values():
                        if "schema" in content and not content.get("x-raw"):
                            content["schema"] = _wrap(content["schema"], components)
                    response.setdefault("headers", {}).update(RATE_HEADERS)
                else:
                    response["content"] = error_content
            if path.startswith("/api/v1"):
                for code in COMMON_ERRORS:
                    responses.setdefault(
                        code, {"description": ERROR_DESCRIPTIONS[code], "content": error_content}
                    )
    return result
