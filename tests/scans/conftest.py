import json

import pytest

from tests.conftest import client_for
from tests.factories import MembershipFactory

# Realistic credentials of several providers, written for these tests (random, never issued).
AWS_KEY_ID = "AKIAZ7QW3RTY4UIOPLKJ"
GITHUB_TOKEN = "ghp_" + "R8sT2uV4wX6yZ8aB0cD2eF4gH6iJ8kL0mN2p"
STRIPE_LIVE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dcQ9xV2mB8"
SLACK_TOKEN = "xoxb-" + "2837465019-4830192837465-Zt8kQm3VxR7pLw2NcY5bHd9F"
GOOGLE_KEY = "AIza" + "SyD4kQ9mX2vN7pR3tW8yZ1bC5fG6hJ0kL3m"
DB_PASSWORD = "Vq7#pL2m!Zr9xT4k"


def data(response):
    assert response.status_code < 400, response.content
    return response.json()["data"]


def error(response) -> dict:
    return json.loads(response.content)["error"]


@pytest.fixture
def editor_a(org_a):
    return MembershipFactory(organization=org_a, role="editor")


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Runs the jobs enqueued on commit (the embedded default runs them in-process after commit)."""

    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


@pytest.fixture
def scan_client(admin_a):
    return client_for(admin_a)
