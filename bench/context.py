"""What the benchmark database holds, for rows to build their requests from."""

from dataclasses import dataclass

BENCH_PASSWORD = "bench-password-long-enough"  # noqa: S105 - a throwaway benchmark database


@dataclass
class Context:
    access_token: str
    admin_email: str
    organization_id: str
