"""Organization administration pages: each action goes through its service, with the API's roles."""

import pytest

from accounts.models import Invite
from billing.services import subscription_current
from organizations.models import ApiKey, AuditAction, AuditEvent, Role, Team
from organizations.services import api_key_authenticate
from realtime.models import WebhookSubscription
from tests.factories import MembershipFactory
from tests.web.conftest import browser_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_browser(org_a):
    return browser_for(MembershipFactory(organization=org_a, role=Role.VIEWER))


def test_admin_invites_and_sees_the_link_once(
    browser_a, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_a.post("/organization/members", {"email": "Bob@Example.com", "role": Role.EDITOR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "/register?invite=" in html
    invite = Invite.objects.for_organization(org_a).get(email="bob@example.com")
    assert invite.role == Role.EDITOR
    assert len(mailoutbox) == 1
    assert "/register?invite=" not in browser_a.get("/organization/members").content.decode()
    revoke = browser_a.post(f"/organization/invites/{invite.pk}/revoke")
    assert revoke.status_code == 302
    invite.refresh_from_db()
    assert invite.revoked_at is not None


def test_an_invalid_invitation_is_refused_and_nothing_is_sent(browser_a, admin_a, org_a, mailoutbox):
    response = browser_a.post("/organization/members", {"email": admin_a.user.email, "role": Role.EDITOR})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert not Invite.objects.for_organization(org_a).exists()
    assert mailoutbox == []


def test_viewers_may_not_invite_or_see_admin_pages(viewer_browser, org_a):
    assert (
        viewer_browser.post("/organization/members", {"email": "x@example.com", "role": "viewer"}).status_code
        == 403
    )
    assert not Invite.objects.for_organization(org_a).exists()
    for path in ("/organization/api-keys", "/organization/webhooks", "/organization/audit"):
        assert viewer_browser.get(path).status_code == 403


def test_admin_changes_a_role(browser_a, org_a):
    member = MembershipFactory(organization=org_a, role=Role.VIEWER)
    browser_a.post(f"/organization/members/{member.pk}/role", {"role": Role.MANAGER})
    member.refresh_from_db()
    assert member.role == Role.MANAGER


def test_the_last_admin_cannot_demote_themselves_and_is_told_why(browser_a, admin_a):
    response = browser_a.post(f"/organization/members/{admin_a.pk}/role", {"role": Role.VIEWER}, follow=True)
    admin_a.refresh_from_db()
    assert admin_a.role == Role.ADMIN
    assert "admin" in response.content.decode().lower()
    assert 'class="message error"' in response.content.decode()


def test_role_change_of_another_organizations_member_is_not_found(browser_a, admin_b):
    assert (
        browser_a.post(f"/organization/members/{admin_b.pk}/role", {"role": Role.VIEWER}).status_code == 404
    )
    admin_b.refresh_from_db()
    assert admin_b.role == Role.ADMIN


def test_api_key_is_shown_once_and_works(browser_a, org_a):
    response = browser_a.post("/organization/api-keys", {"name": "honeypot", "scopes": ["ingest", "read"]})
    assert response.status_code == 200
    html = response.content.decode()
    raw = html.split('data-testid="new-api-key">')[1].split("<")[0]
    key = api_key_authenticate(raw)
    assert key is not None
    assert key.organization_id == org_a.pk
    assert sorted(key.scopes) == ["ingest", "read"]
    assert raw not in browser_a.get("/organization/api-keys").content.decode()
    browser_a.post(f"/organization/api-keys/{key.pk}/revoke")
    assert api_key_authenticate(raw) is None


def test_api_key_without_scope_is_refused(browser_a, org_a):
    assert browser_a.post("/organization/api-keys", {"name": "x"}).status_code == 400
    assert not ApiKey.objects.for_organization(org_a).exists()


def test_teams_are_created_by_managers(browser_a, viewer_browser, org_a):
    assert viewer_browser.post("/organization/teams", {"name": "Blue"}).status_code == 403
    assert browser_a.post("/organization/teams", {"name": "Blue", "description": "SOC"}).status_code == 302
    team = Team.objects.for_organization(org_a).get(name="Blue")
    duplicate = browser_a.post("/organization/teams", {"name": "Blue"})
    assert duplicate.status_code == 400
    assert browser_a.post(f"/organization/teams/{team.pk}/delete").status_code == 302
    assert not Team.objects.for_organization(org_a).exists()


def test_webhook_subscription_shows_its_secret_once(browser_a, org_a):
    response = browser_a.post(
        "/organization/webhooks", {"url": "https://93.184.216.34/palisade", "events": ["threat_detected"]}
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.for_organization(org_a).get()
    assert subscription.events == ["threat_detected"]
    assert subscription.secret in response.content.decode()
    assert subscription.secret not in browser_a.get("/organization/webhooks").content.decode()


def test_webhook_to_a_private_address_is_refused(browser_a, org_a):
    response = browser_a.post(
        "/organization/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["threat_detected"]}
    )
    assert response.status_code == 400
    assert not WebhookSubscription.objects.for_organization(org_a).exists()


def test_ai_providers_page_shows_the_offline_default(browser_a):
    html = browser_a.get("/organization/ai").content.decode()
    assert "offline" in html.lower()


def test_ai_configuration_with_missing_credentials_is_refused(browser_a, org_a, admin_a):
    from ai.selectors import configurations_of

    response = browser_a.post("/organization/ai", {"provider_code": "openai", "model_id": ""})
    assert response.status_code == 400
    assert not configurations_of(organization=org_a, user_id=admin_a.user.pk).exists()


def test_upgrade_button_changes_the_plan(browser_a, org_a):
    current = subscription_current(organization=org_a).plan
    html = browser_a.get("/organization/billing").content.decode()
    assert f"Current plan: {current.name}" in html
    assert "Upgrade to" in html
    from billing.selectors import plans_list

    higher = next(p for p in plans_list() if p.rank > current.rank)
    browser_a.post("/organization/billing", {"plan": higher.code})
    assert subscription_current(organization=org_a).plan == higher


def test_viewers_see_usage_but_cannot_change_the_plan(viewer_browser, org_a):
    before = subscription_current(organization=org_a).plan
    assert "Upgrade to" not in viewer_browser.get("/organization/billing").content.decode()
    assert viewer_browser.post("/organization/billing", {"plan": "enterprise"}).status_code == 403
    assert subscription_current(organization=org_a).plan == before


def test_audit_log_lists_and_filters_events(browser_a, org_a):
    browser_a.post("/organization/teams", {"name": "Red"})
    html = browser_a.get(f"/organization/audit?action={AuditAction.TEAM_CREATED}").content.decode()
    assert "Team created" in html
    assert AuditEvent.objects.for_organization(org_a).filter(action=AuditAction.TEAM_CREATED).exists()
