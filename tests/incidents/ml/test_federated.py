"""Federated learning: local training, FedAvg over parameters only, adoption only on improvement."""

import numpy as np
import pytest

from incidents.ml import engine
from incidents.ml.models import FederatedParticipant, ModelVersion
from incidents.ml.services import federated
from organizations.models import Role
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory
from tests.incidents.ml.data import labeled_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_c(db):
    return OrganizationFactory(name="Org C", slug="org-c")


@pytest.fixture
def client_c(org_c):
    return client_for(MembershipFactory(organization=org_c, role=Role.ADMIN))


@pytest.fixture
def captured(monkeypatch):
    """Everything the coordinator's aggregation step receives."""
    calls = []
    real = federated.federated_aggregate

    def spy(updates, **kwargs):
        calls.append((list(updates), kwargs))
        return real(updates, **kwargs)

    monkeypatch.setattr(federated, "federated_aggregate", spy)
    return calls


def _join(*clients):
    for client in clients:
        response = client.post("/api/v1/federated/participant/initialize", {}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["data"]["participant"]["opted_in"] is True


def test_fedavg_over_participants_parameters_only(
    client_a, client_b, client_c, org_a, org_b, org_c, captured, settings, django_capture_on_commit_callbacks
):
    settings.FEDERATED_CLIP_NORM = 1e6  # no clipping: the average must be exact
    labeled_dataset(org_a, n=100, seed=1)
    labeled_dataset(org_b, n=60, seed=2, flip=0.3)
    labeled_dataset(org_c, n=6, seed=3)  # too few verdicts: it takes no part
    init = client_a.post("/api/v1/federated/coordinator/initialize", {"min_participants": 2}, format="json")
    assert init.status_code == 200
    assert init.json()["data"]["coordinator"]["differential_privacy"] is False
    _join(client_a, client_b, client_c)

    with django_capture_on_commit_callbacks(execute=True):
        started = client_b.post("/api/v1/federated/training/start")
    assert started.status_code == 202
    status = client_a.get("/api/v1/federated/status").json()["data"]
    assert status["last_round"]["status"] == "completed"
    assert status["last_round"]["participants"] == 2
    assert status["participants"] == 3

    [(updates, kwargs)] = captured
    assert kwargs == {"epsilon": None}
    assert all(type(u) is engine.LinearParams for u in updates)
    assert all(set(vars(u)) == {"coef", "intercept", "samples"} for u in updates)
    assert all(len(u.coef) == 12 and all(isinstance(c, float) for c in u.coef) for u in updates)
    locals_ = [FederatedParticipant.objects.for_organization(o).get() for o in (org_a, org_b)]
    assert sorted(u.samples for u in updates) == sorted(p.local_samples for p in locals_)

    weights = np.asarray([p.local_samples for p in locals_], dtype=float)
    expected = np.average([p.local_params["coef"] for p in locals_], axis=0, weights=weights)
    global_model = client_a.get("/api/v1/federated/models/status").json()["data"]["global_model"]
    assert global_model["version"] == 1
    assert global_model["samples"] == int(weights.sum())
    from incidents.ml.selectors import coordinator

    assert coordinator().global_params["coef"] == pytest.approx(expected.tolist())

    # Each participant compared global and local on its own held-out verdicts; adoption follows the comparison.
    for org in (org_a, org_b):
        participant = FederatedParticipant.objects.for_organization(org).get()
        offer = participant.last_offer
        better = engine.score_of(offer["global_metrics"]) > engine.score_of(offer["local_metrics"])
        assert offer["adopted"] is better
        adopted = (
            ModelVersion.objects.for_organization(org).filter(source="federated", is_promoted=True).exists()
        )
        assert adopted is better
    insights = client_a.get("/api/v1/federated/insights").json()["data"]
    assert len(insights["global_feature_weights"]) == 12
    assert insights["comparison"]["round"] == 1


def test_differential_privacy_adds_noise_scaled_by_epsilon(settings):
    settings.FEDERATED_CLIP_NORM = 1e6
    updates = [engine.LinearParams([1.0] * 12, 0.0, 50), engine.LinearParams([3.0] * 12, 1.0, 50)]
    exact, none = federated.federated_aggregate(updates, epsilon=None)
    noisy, sigma = federated.federated_aggregate(updates, epsilon=1.0, seed=4)
    assert none is None
    assert exact.coef == pytest.approx([2.0] * 12)
    assert sigma > 0
    assert noisy.coef != pytest.approx(exact.coef)


def test_coordinator_settings_conflict_and_roles(client_a, org_a, viewer_client):
    first = client_a.post("/api/v1/federated/coordinator/initialize", {"epsilon": 2.0}, format="json")
    assert first.json()["data"]["coordinator"]["epsilon"] == 2.0
    again = client_a.post("/api/v1/federated/coordinator/initialize", {"epsilon": 2.0}, format="json")
    assert again.status_code == 200
    other = client_a.post("/api/v1/federated/coordinator/initialize", {"epsilon": 5.0}, format="json")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "CONFLICT"
    assert viewer_client.post("/api/v1/federated/training/start").status_code == 403
    # Not a participant yet: starting a round says so.
    refused = client_a.post("/api/v1/federated/training/start")
    assert refused.status_code == 409
    assert "participant/initialize" in refused.json()["error"]["message"]


def test_local_training_reports_insufficient_verdicts_plainly(client_a, org_a):
    _join(client_a)
    labeled_dataset(org_a, n=6)
    body = client_a.post("/api/v1/federated/models/train").json()["data"]
    assert body["trained"] is False
    assert "Not enough analysts' verdicts" in body["message"]
