"""Another organization's resources are a 404, on every operation the schema lists.

For each operation with a path parameter: create the resource in organization A, call the
operation as an admin of organization B (404 expected, never 200, 403 or 500), then as A's
admin (anything but 404: the probe addressed a real resource). Every other authenticated
GET is called as B with A fully populated, and must not mention any of A's ids.
"""

import pytest

from tests.conftest import client_for
from tests.quality.conftest import rolled_back
from tests.quality.openapi import operations
from tests.quality.resources import RESOURCES, UNPROBED, creator_for

WITH_PATH_PARAMS = [op for op in operations() if op.path_params and not op.public]
# UNPROBED wins over a creator: a creator may exist for the role and fuzz gates only.
PROBED = [op for op in WITH_PATH_PARAMS if creator_for(op) is not None and op.id not in UNPROBED]
COLLECTIONS = [op for op in operations() if op.method == "GET" and not op.path_params and not op.public]


def test_every_operation_with_a_path_parameter_is_probed():
    """An operation nobody can create a resource for is reported, not skipped silently."""
    public = [op.id for op in operations() if op.path_params and op.public]
    print("\nPublic operations with path parameters (no tenant data, not probed):", *public, sep="\n  ")
    unlisted = [op.id for op in WITH_PATH_PARAMS if creator_for(op) is None and op.id not in UNPROBED]
    assert unlisted == [], (
        "No way to create the resource these operations address. Register a creator with "
        "@resource(<path template>) in tests/<app>/quality_resources.py, or list the operation in "
        "tests/quality/resources.py UNPROBED with the reason:\n  " + "\n  ".join(unlisted)
    )


@pytest.mark.parametrize("op", PROBED, ids=lambda op: op.id)
def test_another_organization_gets_404(op, tenant_a, tenant_b):
    hints = creator_for(op)(tenant_a)
    body = op.body(hints)

    with rolled_back():
        response = op.send(client_for(tenant_b.admin), hints, body=body)
    assert response.status_code == 404, (
        f"{op.id} as another organization's admin answered {response.status_code}, not 404: "
        f"{response.content[:300]!r}"
    )
    assert response.json()["error"]["code"] == "NOT_FOUND"

    with rolled_back():
        owner = op.send(client_for(tenant_a.admin), hints, body=body)
    assert owner.status_code != 404, (
        f"{op.id} is a 404 for the owning organization's admin too, so the probe proves nothing: "
        f"{owner.content[:300]!r}"
    )


@pytest.mark.parametrize("op", COLLECTIONS, ids=lambda op: op.id)
def test_nothing_another_organization_reads_mentions_our_ids(op, tenant_a, tenant_b):
    ids = {str(tenant_a.organization.pk)}
    ids |= {str(m.user_id) for m in tenant_a.members.values()}
    ids |= {str(m.pk) for m in tenant_a.members.values()}
    # Templates listed in UNPROBED address reference data every organization shares (stage names).
    shared = {op_id.split(" ", 1)[1] for op_id in UNPROBED}
    for template, create in RESOURCES.items():
        if template not in shared:
            ids |= {str(value) for value in create(tenant_a).values()}

    response = op.send(client_for(tenant_b.admin), query={"page_size": 100})
    assert response.status_code < 500, f"{op.id} answered {response.status_code}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    leaked = sorted(i for i in ids if i in body.decode(errors="replace"))
    assert leaked == [], f"{op.id} shows organization B ids of organization A: {leaked}"
