"""The envelope, error codes and request ids every API response carries."""

import datetime

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_success_is_wrapped_in_data_and_meta(client_a, admin_a):
    response = client_a.get("/api/v1/users")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert [row["email"] for row in body["data"]] == [admin_a.user.email]
    assert body["meta"]["request_id"] == response["X-Request-ID"]
    assert body["meta"]["timestamp"].endswith("Z")
    assert body["meta"]["pagination"] == {"page": 1, "page_size": 25, "total": 1, "pages": 1}


def test_validation_error_names_the_field(client_a):
    response = client_a.get("/api/v1/users", {"page": "abc"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["message"].startswith("page:")
    assert error["details"]["fields"]["page"]


def test_unknown_api_route_is_an_enveloped_404(client_a):
    response = client_a.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    body = response.json()
    assert body["error"]["code"] == "NOT_FOUND"
    assert body["meta"]["request_id"] == response["X-Request-ID"]


def test_missing_credentials_are_401(api_client):
    response = api_client.get("/api/v1/users")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_tampered_token_is_401(admin_a, api_client):
    token = str(AccessToken.for_user(admin_a.user))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token[:-2]}xx")

    response = api_client.get("/api/v1/users")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


def test_expired_token_says_token_expired(admin_a, api_client):
    token = AccessToken.for_user(admin_a.user)
    token.set_exp(from_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = api_client.get("/api/v1/users")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "TOKEN_EXPIRED"


def test_rate_limit_headers_and_429(settings, admin_a):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "standard": "3/m"}
    client = client_for(admin_a)

    first = client.get("/api/v1/users")
    assert first["X-RateLimit-Limit"] == "3"
    assert first["X-RateLimit-Remaining"] == "2"
    assert 0 <= int(first["X-RateLimit-Reset"]) <= 60

    client.get("/api/v1/users")
    client.get("/api/v1/users")
    limited = client.get("/api/v1/users")

    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert limited["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(limited["Retry-After"]) <= 60


def test_rate_limit_is_per_user(settings, admin_a, admin_b):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "standard": "1/m"}
    client_for(admin_a).get("/api/v1/users")

    assert client_for(admin_a).get("/api/v1/users").status_code == 429
    assert client_for(admin_b).get("/api/v1/users").status_code == 200


@pytest.mark.urls("tests.urls")
def test_unhandled_exception_is_500_without_leaking(client_a, caplog):
    response = client_a.get("/api/v1/test/boom")

    assert response.status_code == 500
    body = response.json()
    assert body["error"]["code"] == "INTERNAL_ERROR"
    assert "passwd" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "secret internal detail" in caplog.text  # logged for operators instead


def test_wrong_method_is_405_in_the_envelope(client_a):
    response = client_a.delete("/api/v1/users")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [("client-req-12345678", True), ("bad id with spaces", False), ("x" * 300, False), ("short", False)],
)
def test_request_id_is_echoed_only_when_well_formed(client_a, sent, echoed):
    response = client_a.get("/api/v1/users", HTTP_X_REQUEST_ID=sent)

    assert (response["X-Request-ID"] == sent) is echoed
    assert response.json()["meta"]["request_id"] == response["X-Request-ID"]


def test_request_id_on_non_api_responses(client):
    response = client.get("/health")

    assert len(response["X-Request-ID"]) == 32
