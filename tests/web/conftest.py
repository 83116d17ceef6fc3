import pytest
from django.test import Client

from metrics.services.catalogs import catalog_create_default
from organizations.models import Role
from tests.factories import MembershipFactory


def browser_for(membership) -> Client:
    """A browser session signed in as `membership`'s user, working in its organization."""
    client = Client()
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["palisade_organization"] = str(membership.organization_id)
    session.save()
    return client


@pytest.fixture
def catalog_a(org_a, admin_a):
    return catalog_create_default(organization=org_a, owner=admin_a.user)


@pytest.fixture
def catalog_b(org_b, admin_b):
    return catalog_create_default(organization=org_b, owner=admin_b.user)


@pytest.fixture
def browser_a(admin_a):
    return browser_for(admin_a)


@pytest.fixture
def browser_b(admin_b):
    return browser_for(admin_b)


@pytest.fixture
def editor_a(org_a):
    return MembershipFactory(organization=org_a, role=Role.EDITOR)
