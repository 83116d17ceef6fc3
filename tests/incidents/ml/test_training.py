"""Retraining, promotion, scoring and explanations, through the API a user calls."""

import math

import numpy as np
import pytest

from incidents.ml import engine, selectors
from incidents.ml.models import ModelVersion, ThreatScore, VersionSource
from incidents.ml.services.scoring import incident_score
from incidents.ml.services.training import triage_store
from incidents.models import Incident, Threat
from incidents.signals import incident_saved
from tests.incidents.ml.data import labeled_dataset, make_events, make_incident

pytestmark = pytest.mark.django_db
_state: dict = {}


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks):
    """Jobs are enqueued on commit; run them as the embedded default does once the request commits."""
    _state["capture"] = django_capture_on_commit_callbacks


def _retrain(client, **body):
    with _state["capture"](execute=True):
        response = client.post("/api/v1/ml/retrain", body, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["data"]["status"] == "queued"
    return client.get("/api/v1/ml/status").json()["data"]["last_job"]


def test_with_too_few_verdicts_the_platform_says_so_and_stays_on_rules(client_a, org_a):
    labeled_dataset(org_a, n=8, flip=0)
    job = _retrain(client_a)
    assert job["status"] == "insufficient_data"
    assert "Not enough analysts' verdicts" in job["result"]["triage"]["message"]
    status = client_a.get("/api/v1/ml/status").json()["data"]
    assert status["mode"] == "rules_only"
    assert status["models"]["triage"] is None
    assert status["verdicts"] == {
        "total": 8,
        "true_positive": 4,
        "false_positive": 4,
        "enough_to_train": False,
    }
    assert "rules alone" in status["message"]


def test_triage_model_beats_the_trivial_baseline_on_held_out_verdicts(client_a, org_a):
    labeled_dataset(org_a, n=200)
    job = _retrain(client_a, models=["triage"])
    assert job["status"] == "completed"
    performance = client_a.get("/api/v1/ml/models/performance").json()["data"]
    [v1] = performance
    metrics = v1["metrics"]
    assert v1["is_promoted"]
    assert v1["holdout_samples"] == 60
    assert metrics["roc_auc"] > 0.8
    assert metrics["accuracy"] > metrics["trivial_baseline"]["accuracy"] + 0.2
    assert metrics["f1"] > 0.7
    matrix = metrics["confusion_matrix"]
    assert sum(matrix.values()) == 60
    status = client_a.get("/api/v1/ml/status").json()["data"]
    assert status["mode"] == "ml"
    assert status["models"]["triage"]["version"] == 1


def test_a_new_version_is_promoted_only_when_it_beats_the_current_one(client_a, org_a):
    labeled_dataset(org_a, n=120)
    _retrain(client_a, models=["triage"])
    # Same data, same split: the candidate ties and the promoted version stays.
    _retrain(client_a, models=["triage"])
    versions = {v["version"]: v for v in client_a.get("/api/v1/ml/models/performance").json()["data"]}
    assert versions[1]["is_promoted"]
    assert not versions[2]["is_promoted"]
    assert "v1 stays promoted" in versions[2]["promotion_reason"]

    data = selectors.labeled_threats(org_a)
    _x_train, x_test, y_train, y_test = engine.holdout_split(data.x, data.y, 0.3)
    current = engine.LinearParams.from_dict(selectors.promoted_version(org_a, "triage").artefact["params"])
    inverted = engine.LinearParams([-c for c in current.coef], -current.intercept, 10)
    worse = triage_store(
        organization=org_a,
        params=inverted,
        x_test=x_test,
        y_test=y_test,
        y_train=y_train,
        reference=data.x,
        source=VersionSource.RETRAIN,
        training_samples=10,
    )
    assert worse["promoted"] is False
    assert selectors.promoted_version(org_a, "triage").version == 1

    assert ModelVersion.objects.for_organization(org_a).filter(kind="triage", is_promoted=True).count() == 1


def test_retraining_replaces_a_weaker_promoted_version(client_b, org_b):
    labeled_dataset(org_b, n=120)
    data = selectors.labeled_threats(org_b)
    _x_train, x_test, y_train, y_test = engine.holdout_split(data.x, data.y, 0.3)
    useless = engine.LinearParams([0.0] * data.x.shape[1], -1.0, 10)  # always "false positive"
    first = triage_store(
        organization=org_b,
        params=useless,
        x_test=x_test,
        y_test=y_test,
        y_train=y_train,
        reference=data.x,
        source=VersionSource.RETRAIN,
        training_samples=10,
    )
    assert first["promoted"] is True  # the organization's first model
    job = _retrain(client_b, models=["triage"])
    assert job["result"]["triage"]["promoted"] is True
    promoted = selectors.promoted_version(org_b, "triage")
    assert promoted.version == 2
    assert promoted.baseline_metrics["version"] == 1
    assert promoted.metrics["f1"] > promoted.baseline_metrics["f1"]


def test_scores_fill_ml_confidence_and_adjust_threat_confidence_keeping_the_rules_own(
    client_a, org_a, django_capture_on_commit_callbacks
):
    labeled_dataset(org_a, n=120)
    _retrain(client_a, models=["triage"])
    strong = make_incident(
        org_a,
        confidence=0.6,
        event_count=300,
        detector="correlation",
        techniques=("T1110", "T1059", "T1105"),
        duration_minutes=500,
        severity="critical",
    )
    weak = make_incident(
        org_a,
        confidence=0.6,
        event_count=1,
        detector="sigma",
        techniques=(),
        duration_minutes=0,
        severity="low",
    )
    with django_capture_on_commit_callbacks(execute=True):
        for incident in (strong, weak):
            incident_saved.send(sender=Incident, organization=org_a, incident=incident, created=True)
    strong.refresh_from_db()
    weak.refresh_from_db()
    assert strong.ml_confidence > 0.6 > weak.ml_confidence
    threat = Threat.objects.for_organization(org_a).get(incident=weak)
    score = ThreatScore.objects.for_organization(org_a).get(threat=threat)
    assert score.rule_confidence == 0.6
    assert threat.confidence == pytest.approx(score.combined, abs=1e-4)
    # Scoring again starts from the rules' confidence, not from the adjusted one.
    assert incident_score(organization=org_a, incident_id=weak.pk) == pytest.approx(weak.ml_confidence)


def test_explanations_add_up_to_the_models_log_odds(client_a, org_a):
    labeled_dataset(org_a, n=100)
    _retrain(client_a, models=["triage"])
    incident = make_incident(org_a, confidence=0.8, event_count=50, detector="intel")
    response = client_a.post(f"/api/v1/ml/explain/{incident.pk}")
    assert response.status_code == 200, response.content
    body = response.json()["data"]
    [threat] = body["threats"]
    logit = sum(c["contribution"] for c in threat["triage_contributions"]) + threat["triage_intercept"]
    assert 1 / (1 + math.exp(-logit)) == pytest.approx(threat["triage_probability"], abs=1e-3)
    contributions = [abs(c["contribution"]) for c in threat["triage_contributions"]]
    assert contributions == sorted(contributions, reverse=True)
    assert body["mode"] == "ml"
    assert threat["threat_id"] in body["message"]


def test_explain_without_models_says_rules_only_and_another_organization_gets_404(client_a, client_b, org_a):
    incident = make_incident(org_a)
    body = client_a.post(f"/api/v1/ml/explain/{incident.pk}").json()["data"]
    assert body["mode"] == "rules_only"
    assert body["threats"] == []
    response = client_b.post(f"/api/v1/ml/explain/{incident.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_anomaly_model_trains_on_event_windows_and_drift_is_flagged_only_when_behaviour_shifts(
    client_a, org_a
):
    make_events(org_a, sources=40, hours=3)
    job = _retrain(client_a, models=["anomaly"])
    assert job["result"]["anomaly"]["promoted"] is True
    stable = client_a.get("/api/v1/ml/drift/status").json()["data"]["models"]["anomaly"]
    assert stable["status"] == "stable"
    assert stable["drift_detected"] is False
    make_events(org_a, sources=60, hours=3, shift=True, seed=9)
    drifted = client_a.get("/api/v1/ml/drift/status").json()["data"]
    assert drifted["drift_detected"] is True
    flagged = {f["feature"] for f in drifted["models"]["anomaly"]["features"] if f["drifted"]}
    assert {"distinct_ports", "distinct_users"} <= flagged


def test_online_learning_takes_new_verdicts_in(client_a, org_a):
    labeled_dataset(org_a, n=100)
    nothing = client_a.post("/api/v1/ml/online-learning/adapt").json()["data"]
    assert nothing["adapted"] is False
    assert "retrain first" in nothing["message"]
    _retrain(client_a, models=["triage"])
    assert client_a.get("/api/v1/ml/online-learning/status").json()["data"]["new_verdicts"] == 0
    labeled_dataset(org_a, n=30, seed=11)
    status = client_a.get("/api/v1/ml/online-learning/status").json()["data"]
    assert status["new_verdicts"] == 30
    assert status["current_version"] == 1
    adapted = client_a.post("/api/v1/ml/online-learning/adapt").json()["data"]
    assert adapted["adapted"] is True
    assert adapted["version"] == 2
    assert adapted["new_verdicts"] == 30
    v2 = ModelVersion.objects.for_organization(org_a).get(kind="triage", version=2)
    v1 = ModelVersion.objects.for_organization(org_a).get(kind="triage", version=1)
    assert v2.source == "online"
    assert v2.artefact["params"]["coef"] != v1.artefact["params"]["coef"]


def test_ensemble_weights_are_tuned_on_held_out_verdicts(client_a, org_a, viewer_client):
    labeled_dataset(org_a, n=120)
    _retrain(client_a, models=["triage"])
    assert viewer_client.post("/api/v1/ml/ensemble/optimize").status_code == 403
    body = client_a.post("/api/v1/ml/ensemble/optimize").json()["data"]
    assert body["optimized"] is True
    assert sum(body["weights"].values()) == pytest.approx(1.0)
    assert body["weights"]["triage"] > 0
    assert body["metrics"]["holdout_roc_auc"] >= body["metrics"]["holdout_roc_auc_rules_only"]
    assert client_a.get("/api/v1/ml/ensemble/status").json()["data"]["weights"] == body["weights"]


def test_ab_test_scores_both_versions_in_shadow_and_tests_significance(client_a, client_b, org_a):
    labeled_dataset(org_a, n=100)
    _retrain(client_a, models=["triage"])
    data = selectors.labeled_threats(org_a)
    current = engine.LinearParams.from_dict(selectors.promoted_version(org_a, "triage").artefact["params"])
    inverted = engine.LinearParams([-c for c in current.coef], -current.intercept, 10)
    triage_store(
        organization=org_a,
        params=inverted,
        x_test=data.x,
        y_test=data.y,
        y_train=data.y,
        reference=data.x,
        source=VersionSource.RETRAIN,
        training_samples=10,
    )
    bad = client_a.post("/api/v1/ml/ab-test/create", {"version_a": 1, "version_b": 9}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "VALIDATION_ERROR"
    created = client_a.post("/api/v1/ml/ab-test/create", {"version_a": 1, "version_b": 2}, format="json")
    assert created.status_code == 201
    test_id = created.json()["data"]["id"]
    for incident in labeled_dataset(org_a, n=40, seed=5):
        incident_score(organization=org_a, incident_id=incident.pk)
    results = client_a.get(f"/api/v1/ml/ab-test/{test_id}/results").json()["data"]
    assert results["scored"] == 40
    assert results["with_verdict"] == 40
    assert results["version_a"]["accuracy"] > results["version_b"]["accuracy"]
    assert results["significance"]["p_value"] < 0.05
    assert results["winner"] == "a"
    # Shadow mode: the threats' confidence follows the promoted version only.
    assert np.isclose(
        ThreatScore.objects.for_organization(org_a).first().triage_probability is not None, True
    )
    assert client_b.get(f"/api/v1/ml/ab-test/{test_id}/results").status_code == 404
