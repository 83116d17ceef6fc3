"""Seed E's `skip`/`limit` next to the standard `page`/`page_size` (limit is page_size's alias)."""

import math

from config.api.pagination import StandardPagination, _positive_int


def _non_negative_int(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw == "0":
        return 0
    return _positive_int(request, name)


class SkipLimitPagination(StandardPagination):
    def paginate_queryset(self, queryset, request, view=None):
        skip = _non_negative_int(request, "skip")
        if skip is None:
            rows = super().paginate_queryset(queryset, request, view)
            self.meta["skip"] = (self.meta["page"] - 1) * self.meta["page_size"]
            self.meta["limit"] = self.meta["page_size"]
            return rows
        size = min(
            _positive_int(request, "limit") or _positive_int(request, "page_size") or self.default_page_size,
            self.max_page_size,
        )
        total = queryset.count()
        rows = list(queryset[skip : skip + size]) if skip < total else []
        self.meta = {
            "page": skip // size + 1,
            "page_size": size,
            "total": total,
            "pages": math.ceil(total / size),
            "skip": skip,
            "limit": size,
        }
        return rows

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "skip",
                "required": False,
                "in": "query",
                "description": "Rows to skip (seed E); with it, `limit` rows are returned from that offset.",
                "schema": {"type": "integer", "minimum": 0},
            },
        ]
