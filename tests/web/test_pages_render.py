"""Every page answers for a signed-in admin, and sends an anonymous visitor to sign in."""

import pytest

from tests.web.conftest import browser_for

PAGES = [
    "/posture",
    "/posture/import",
    "/soc/feed",
    "/soc/threats",
    "/soc/incidents",
    "/soc/rules",
    "/soc/ingest",
    "/organization/members",
    "/organization/teams",
    "/organization/api-keys",
    "/organization/webhooks",
    "/organization/ai",
    "/organization/billing",
    "/organization/audit",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_inside_the_shell(path, admin_a, catalog_a):
    response = browser_for(admin_a).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Main"' in html  # the navigation
    assert "Org A" in html  # the organization switcher
    assert "<script>" not in html  # nothing inline: the CSP forbids it
    assert "onclick=" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(path, client):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login", "/register", "/recover"])
def test_public_pages(path, client):
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_api_health_and_admin_are_untouched(client):
    assert client.get("/health").status_code in (200, 503)
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/admin/").status_code == 302
