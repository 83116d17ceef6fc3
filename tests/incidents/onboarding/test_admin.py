"""The onboarding admin pages open for an operator, with rows of two organizations."""

import pytest
from django.urls import reverse

from incidents.onboarding.models import OnboardingSession
from tests.incidents.onboarding.helpers import asset_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        email="ops@palisade.local", password="ops-password-2026"
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize("model_name", ["onboardingsession", "networkscan", "discoveredasset"])
def test_onboarding_admin_pages_open(operator, org_a, org_b, model_name):
    asset_a = asset_make(org_a, "192.0.2.10", {22: ("ssh", "SSH-2.0-OpenSSH_9.6")})
    asset_b = asset_make(org_b, "192.0.2.10", {3389: ("rdp", "")}, os_guess="windows")
    changelist = operator.get(reverse(f"admin:onboarding_{model_name}_changelist"))
    assert changelist.status_code == 200
    assert operator.get(reverse(f"admin:onboarding_{model_name}_add")).status_code == 200
    row = {
        "onboardingsession": OnboardingSession.objects.for_organization(org_b).get(),
        "networkscan": asset_b.scan,
        "discoveredasset": asset_a,
    }[model_name]
    change = operator.get(reverse(f"admin:onboarding_{model_name}_change", args=[row.pk]))
    assert change.status_code == 200
    if model_name == "discoveredasset":
        assert b"SSH-2.0-OpenSSH_9.6" in change.content  # the open ports, inline
