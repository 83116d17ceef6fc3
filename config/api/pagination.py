"""`page` + `page_size` (alias `limit`), default 25, max 100, reported in meta.pagination."""

import math

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

PAGINATION_META_SCHEMA = {
    "type": "object",
    "properties": {
        "page": {"type": "integer", "minimum": 1},
        "page_size": {"type": "integer", "minimum": 1, "maximum": 100},
        "total": {"type": "integer", "minimum": 0},
        "pages": {"type": "integer", "minimum": 0},
    },
    "required": ["page", "page_size", "total", "pages"],
}


def _positive_int(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: [f"Must be a whole number, got {raw!r}."]}) from None
    if value < 1:
        raise ValidationError({name: ["Must be 1 or more."]})
    return value


class StandardPagination(BasePagination):
    default_page_size = 25
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        page = _positive_int(request, "page") or 1
        size = (
            _positive_int(request, "page_size") or _positive_int(request, "limit") or self.default_page_size
        )
        size = min(size, self.max_page_size)
        total = (
            queryset.count()
            if hasattr(queryset, "count") and not isinstance(queryset, list)
            else len(queryset)
        )
        start = (page - 1) * size
        rows = list(queryset[start : start + size]) if start < total else []
        self.meta = {"page": page, "page_size": size, "total": total, "pages": math.ceil(total / size)}
        return rows

    def get_paginated_response(self, data):
        response = Response(data)
        response.pagination = self.meta
        return response

    def get_paginated_response_schema(self, schema):
        return {"type": "array", "items": schema.get("items", schema), "x-paginated": True}

    def get_schema_operation_parameters(self, view):
        def param(name, description, maximum=None):
            schema = {"type": "integer", "minimum": 1}
            if maximum:
                schema["maximum"] = maximum
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": schema,
            }

        return [
            param("page", "Page number, from 1."),
            param("page_size", "Rows per page (default 25, max 100).", self.max_page_size),
            param("limit", "Alias of page_size.", self.max_page_size),
        ]
