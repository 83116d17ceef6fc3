import pytest
from rest_framework.test import APIClient

STRONG = "Tangerine-Lighthouse-42"


def login(email: str, password: str = STRONG, **extra):
    client = APIClient()
    return client.post("/api/v1/auth/login", {"email": email, "password": password, **extra}, format="json")


def register(**fields):
    body = {"email": "ada@example.com", "password": STRONG, "name": "Ada Lovelace", **fields}
    return APIClient().post("/api/v1/auth/register", body, format="json")


def bearer(access_token: str, **headers) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}", **headers)
    return client


@pytest.fixture
def registered(db):
    """A person who registered: their first organization, admin of it, with a session."""
    response = register()
    assert response.status_code == 201, response.json()
    return response.json()["data"]
