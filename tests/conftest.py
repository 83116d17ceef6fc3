import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tokens import tokens_for
from organizations.models import Role
from tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and nonces live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


def client_for(membership, *, organization_header: str | None = None) -> APIClient:
    """An API client authenticated with a real JWT for `membership`'s user and organization."""
    client = APIClient()
    tokens = tokens_for(user=membership.user, membership=membership)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    if organization_header:
        client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}", HTTP_X_ORGANIZATION=organization_header
        )
    return client


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Org A", slug="org-a")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Org B", slug="org-b")


@pytest.fixture
def admin_a(org_a):
    return MembershipFactory(organization=org_a, role=Role.ADMIN)


@pytest.fixture
def viewer_a(org_a):
    return MembershipFactory(organization=org_a, role=Role.VIEWER)


@pytest.fixture
def admin_b(org_b):
    return MembershipFactory(organization=org_b, role=Role.ADMIN)


@pytest.fixture
def client_a(admin_a):
    return client_for(admin_a)


@pytest.fixture
def client_b(admin_b):
    return client_for(admin_b)


def pytest_collection_modifyitems(items):
    """Transactional tests are serialized-rollback tests: it makes pytest-django serialize the
    migration-seeded rows (plans, NIST frameworks) once, which the teardown below restores."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker is not None
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            item.add_marker(pytest.mark.django_db(**marker.kwargs, serialized_rollback=True), append=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test flushes every table when it ends, including the rows data migrations
    seed. Put them back at once, so whichever test runs next in this worker finds them."""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with item.config.stash[blocking_manager_key].unblock():
            connection.creation.deserialize_db_from_string(contents)
