import pytest

from organizations.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty_members(org_a, admin_a):
    MembershipFactory.create_batch(29, organization=org_a, role=Role.VIEWER)


def _pagination(response):
    assert response.status_code == 200, response.content
    return response.json()["meta"]["pagination"]


def test_default_page_size_is_25(client_a, thirty_members):
    response = client_a.get("/api/v1/users")

    assert len(response.json()["data"]) == 25
    assert _pagination(response) == {"page": 1, "page_size": 25, "total": 30, "pages": 2}


def test_second_page_holds_the_rest(client_a, thirty_members):
    response = client_a.get("/api/v1/users", {"page": 2})

    assert len(response.json()["data"]) == 5
    assert _pagination(response)["page"] == 2


def test_limit_is_an_alias_of_page_size(client_a, thirty_members):
    response = client_a.get("/api/v1/users", {"limit": 7})

    assert len(response.json()["data"]) == 7
    assert _pagination(response) == {"page": 1, "page_size": 7, "total": 30, "pages": 5}


def test_page_size_is_capped_at_100(client_a, thirty_members):
    assert _pagination(client_a.get("/api/v1/users", {"page_size": 1000}))["page_size"] == 100


def test_page_past_the_end_is_empty_not_an_error(client_a, thirty_members):
    response = client_a.get("/api/v1/users", {"page": 9})

    assert response.json()["data"] == []
    assert _pagination(response)["total"] == 30


@pytest.mark.parametrize("params", [{"page": 0}, {"page": -1}, {"page_size": 0}, {"limit": "ten"}])
def test_out_of_bounds_parameters_are_validation_errors(client_a, params):
    response = client_a.get("/api/v1/users", params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert next(iter(params)) in response.json()["error"]["details"]["fields"]
