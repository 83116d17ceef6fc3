"""Benchmark rows. Adding one is one small function returning the request to repeat.

The first row is the ceiling every other row is compared with.
"""

from dataclasses import dataclass, field


@dataclass
class Request:
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


ROWS: dict = {}


def row(name: str):
    def register(fn):
        ROWS[name] = fn
        return fn

    return register


@row("bare Django view (ceiling)")
def bare(ctx) -> Request:
    return Request("/bench/bare")


@row("GET /api/v1/users (JWT, tenant-scoped, page of 25 of 30)")
def users_list(ctx) -> Request:
    return Request("/api/v1/users", headers={"Authorization": f"Bearer {ctx.access_token}"})
