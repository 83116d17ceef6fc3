"""Every admin page of Palisade's models opens for an operator, with rows of several organizations.

Walks the admin registry, so a model registered later is checked without a new test."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.test_route_guard import PALISADE_APPS

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in PALISADE_APPS
)


@pytest.fixture
def operator(client, django_user_model, admin_a, admin_b):
    user = django_user_model.objects.create_superuser(
        email="ops@palisade.local", password="ops-password-2026"
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_changelist_and_add_pages_open(operator, app_label, model_name):
    response = operator.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    response = operator.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code in (200, 403)  # 403: rows only the product creates (audit log, invites)


def test_the_audit_log_is_read_only_in_the_admin(operator, admin_a):
    from organizations.models import AuditAction, AuditEvent

    event = AuditEvent.objects.create(organization=admin_a.organization, action=AuditAction.LOGIN_SUCCEEDED)
    url = reverse("admin:organizations_auditevent_change", args=[event.pk])
    page = operator.get(url)
    assert page.status_code == 200
    assert b'name="action"' not in page.content
    assert operator.post(url, {"action": "logout"}).status_code == 403
    assert operator.get(reverse("admin:organizations_auditevent_add")).status_code == 403


def test_the_user_page_shows_memberships_of_every_organization(operator, admin_a, org_b):
    from tests.factories import MembershipFactory

    MembershipFactory(organization=org_b, user=admin_a.user)
    page = operator.get(reverse("admin:accounts_user_change", args=[admin_a.user_id]))
    assert page.status_code == 200
    assert b"Org A" in page.content
    assert b"Org B" in page.content


def test_a_change_page_shows_its_raw_id_links_to_other_tenant_rows(operator, admin_a):
    """Raw-id fields look their row up unscoped (the admin is the audited cross-tenant place)."""
    from incidents.ingest.models import Event
    from incidents.ingest.services import events_ingest, sensor_create

    sensor, _secret = sensor_create(
        organization=admin_a.organization, name="edge-01", kind="cowrie", actor=admin_a.user
    )
    events_ingest(
        organization=admin_a.organization,
        items=["Failed password for root from 203.0.113.9 port 22 ssh2"],
        default_source="sshd",
        sensor=sensor,
        endpoint="multi",
    )
    event = Event.objects.for_organization(admin_a.organization).get()

    page = operator.get(reverse("admin:incidents_event_change", args=[event.pk]))

    assert page.status_code == 200
    assert b"edge-01" in page.content  # the sensor's name beside its raw id
