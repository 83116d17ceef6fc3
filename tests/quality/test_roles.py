"""A viewer reads but never changes the organization: 403 on every unsafe tenant operation.

Enumerated from the schema: every POST/PUT/PATCH/DELETE that needs credentials, addressed at
a real resource of the viewer's own organization with a valid body. Operations that act on
the caller rather than the organization are listed in VIEWER_ALLOWED with the reason.
"""

import pytest

from tests.conftest import client_for
from tests.quality.conftest import rolled_back
from tests.quality.openapi import operation, operations
from tests.quality.resources import VIEWER_ALLOWED, creator_for

UNSAFE = [op for op in operations() if op.unsafe and not op.public and op.id not in VIEWER_ALLOWED]


def test_viewer_exceptions_name_real_operations():
    for op_id in VIEWER_ALLOWED:
        method, path = op_id.split(" ", 1)
        assert operation(method, path) is not None, f"VIEWER_ALLOWED names {op_id}, which the schema lacks"


@pytest.mark.parametrize("op", UNSAFE, ids=lambda op: op.id)
def test_viewer_is_refused(op, tenant_a):
    create = creator_for(op)
    if op.path_params and create is None:
        pytest.fail(f"{op.id}: no resource creator (see test_cross_tenant), so the viewer cannot be probed")
    hints = create(tenant_a) if create is not None else {}

    with rolled_back():
        response = op.send(client_for(tenant_a.viewer), hints, body=op.body(hints))
    assert response.status_code == 403, (
        f"{op.id} as a viewer answered {response.status_code}, not 403: {response.content[:300]!r}"
    )
    assert response.json()["error"]["code"] == "FORBIDDEN"
