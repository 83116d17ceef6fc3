import pytest

from metrics.services.catalogs import catalog_create_default
from organizations.models import Role
from tests.ai.conftest import fake_provider  # noqa: F401  (shared fixture)
from tests.conftest import client_for
from tests.factories import MembershipFactory


@pytest.fixture
def catalog_a(org_a, admin_a):
    """org_a's default catalog, as organization_create would have given it."""
    return catalog_create_default(organization=org_a, owner=admin_a.user)


@pytest.fixture
def catalog_b(org_b, admin_b):
    return catalog_create_default(organization=org_b, owner=admin_b.user)


@pytest.fixture
def editor_a(org_a):
    return MembershipFactory(organization=org_a, role=Role.EDITOR)


@pytest.fixture
def client_editor_a(editor_a):
    return client_for(editor_a)


@pytest.fixture
def client_viewer_a(viewer_a):
    return client_for(viewer_a)
