import os

import pytest

REQUIRED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")


@pytest.fixture(autouse=True)
def _real_services_configured():
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.fail(f"integration tests need {', '.join(missing)} (run them through .ci/run)")
