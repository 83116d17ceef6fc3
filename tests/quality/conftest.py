"""Fixtures of the quality gates: two tenants with a member of every role, and quiet limits."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction

from tests.quality.resources import Tenant, make_tenant


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The gates send hundreds of requests per organization: limits would turn them into 429s.

    Rate limiting has its own tests (tests/config, tests/billing); the plan resolver is billing's
    and plays no part when limits are off.
    """
    settings.RATELIMIT_ENABLE = False
    settings.RATE_LIMIT_RESOLVER = ""


@pytest.fixture
def tenant_a(db) -> Tenant:
    return make_tenant("Org A")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return make_tenant("Org B")


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever happens inside is undone, so one probe cannot change what the next one sees."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
