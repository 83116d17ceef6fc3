import pytest

pytestmark = pytest.mark.django_db


def test_schema_wraps_responses_in_the_envelope(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    users = schema["paths"]["/api/v1/users"]["get"]
    ok = users["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(ok["properties"]) == {"data", "meta"}
    assert ok["properties"]["meta"] == {"$ref": "#/components/schemas/PaginatedMeta"}
    assert ok["properties"]["data"]["type"] == "array"
    assert users["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }
    assert "X-RateLimit-Remaining" in users["responses"]["200"]["headers"]
    assert {p["name"] for p in users["parameters"]} >= {
        "page",
        "page_size",
        "limit",
        "role",
        "search",
        "ordering",
    }


def test_swagger_ui_is_served_from_our_own_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert "unpkg" not in html


def test_admin_login_page_is_served(client):
    assert client.get("/admin/login/").status_code == 200


def test_home_links_to_docs(client):
    response = client.get("/")

    assert response.status_code == 200
    assert b"/api/docs/" in response.content
