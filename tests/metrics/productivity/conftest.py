"""Fixtures of the productivity tests: teams with members, API keys, helpers to post batches."""

import pytest

from organizations.models import Role, TeamRole
from organizations.services import api_key_create
from tests.conftest import client_for
from tests.factories import MembershipFactory, TeamFactory, TeamMemberFactory


@pytest.fixture
def manager_a(org_a):
    return MembershipFactory(organization=org_a, role=Role.MANAGER)


@pytest.fixture
def team_a(org_a, admin_a, editor_a):
    team = TeamFactory(organization=org_a, name="Platform")
    TeamMemberFactory(team=team, user=editor_a.user, role=TeamRole.LEAD)
    return team


@pytest.fixture
def team_a2(org_a):
    return TeamFactory(organization=org_a, name="Mobile")


@pytest.fixture
def team_b(org_b):
    return TeamFactory(organization=org_b, name="Other org team")


def api_key(organization, *scopes: str) -> str:
    _key, raw = api_key_create(
        organization=organization, name=f"key {'-'.join(scopes)}", scopes=list(scopes), actor=None
    )
    return raw


@pytest.fixture
def mcp_key_a(org_a) -> str:
    return api_key(org_a, "mcp")


@pytest.fixture
def key_client():
    from rest_framework.test import APIClient

    def make(raw: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_X_API_KEY=raw)
        return client

    return make


@pytest.fixture
def client_manager_a(manager_a):
    return client_for(manager_a)
