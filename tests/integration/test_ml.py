"""Retraining is a Celery job the real worker runs, on PostgreSQL, after the request commits."""

import time

import pytest

from config.celery import app as celery_app
from tests.incidents.ml.data import labeled_dataset

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_retrain_runs_on_the_worker_and_promotes_a_model(client_a, org_a, settings):
    assert celery_app.control.ping(timeout=5), "no Celery worker answered the ping"
    labeled_dataset(org_a, n=120)
    queued = client_a.post("/api/v1/ml/retrain", {"models": ["triage"]}, format="json")
    assert queued.status_code == 202
    assert queued.json()["data"]["status"] == "queued"
    deadline = time.monotonic() + 60
    status = {}
    while time.monotonic() < deadline:
        status = client_a.get("/api/v1/ml/status").json()["data"]
        if status["last_job"]["status"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert status["last_job"]["status"] == "completed", status
    assert status["mode"] == "ml"
    assert status["models"]["triage"]["version"] == 1
