import pytest

from organizations.models import Role
from tests.conftest import client_for
from tests.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _small_thresholds(settings):
    settings.ML_MIN_VERDICTS = 20
    settings.ML_MIN_VERDICTS_PER_CLASS = 5
    settings.ML_MIN_ANOMALY_WINDOWS = 30


@pytest.fixture
def viewer_client(org_a):
    return client_for(MembershipFactory(organization=org_a, role=Role.VIEWER))


@pytest.fixture
def editor_client(org_a):
    return client_for(MembershipFactory(organization=org_a, role=Role.EDITOR))
