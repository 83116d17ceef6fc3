"""Schema fuzzing: schemathesis drives every operation of /api/schema/ against the real app.

Signed in as the admin of an organization seeded with one resource of every registered kind;
each operation gets the profile's number of generated examples (valid and invalid inputs), and
operations with path parameters get one more call addressed at a real resource. Any 5xx, any
response that does not match its documented schema, and any undocumented status code fails.
"""

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished
from django.db import close_old_connections
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import tokens_for
from tests.quality.conftest import rolled_back
from tests.quality.openapi import SCHEMA_URL, operation, operations
from tests.quality.resources import RESOURCES, creator_for
from tests.quality.scope import profile

# Operations the fuzzer leaves alone, with the reason.
NOT_FUZZED = {
    "POST /api/v1/auth/logout": "ends every session of the fuzzing admin, so later cases would all be 401",
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

IN_SCOPE = {op.id for op in operations()} - set(NOT_FUZZED)

schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, WSGIHandler())
schema = schema.include(lambda ctx: f"{ctx.operation.method.upper()} {ctx.operation.path}" in IN_SCOPE)


@pytest.fixture
def seeded(tenant_a):
    """Organization A with one resource of every registered kind; returns its admin's token."""
    for create in RESOURCES.values():
        create(tenant_a)
    return tokens_for(user=tenant_a.admin.user, membership=tenant_a.admin)["access_token"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGI handler closes the connection after each request; the test transaction needs it.

    (Django's own test client disconnects the same receiver for the same reason.)
    """
    request_finished.disconnect(close_old_connections)
    yield
    request_finished.connect(close_old_connections)


def test_fuzzed_operations_are_all_in_scope():
    """The exclusions name real operations, so a renamed endpoint does not silently escape."""
    for op_id in NOT_FUZZED:
        method, path = op_id.split(" ", 1)
        assert operation(method, path) is not None


@schema.parametrize()
@hypothesis.settings(
    max_examples=profile().fuzz_examples,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_operation_conforms_to_its_schema(case, seeded, tenant_a):
    headers = {"Authorization": f"Bearer {seeded}"}
    with rolled_back():
        case.call_and_validate(headers=headers, checks=CHECKS)
    op = operation(case.operation.method.upper(), case.operation.path)
    create = creator_for(op)
    if op.path_params and create is not None and case.method.upper() == op.method:
        real = create(tenant_a)
        case.path_parameters = {name: str(real[name]) for name in op.path_params}
        with rolled_back():
            case.call_and_validate(headers=headers, checks=CHECKS)
