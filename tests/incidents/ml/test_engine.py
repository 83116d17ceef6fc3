"""The numerical core on its own: federated averaging, drift statistics, significance, DP noise."""

import numpy as np
import pytest

from incidents.ml import engine


def test_fedavg_is_the_sample_weighted_mean_of_the_participants_parameters():
    a = engine.LinearParams(coef=[1.0, 2.0], intercept=0.5, samples=10)
    b = engine.LinearParams(coef=[3.0, -2.0], intercept=-0.5, samples=30)
    averaged = engine.federated_average([a, b])
    assert averaged.coef == pytest.approx([(1 * 10 + 3 * 30) / 40, (2 * 10 - 2 * 30) / 40])
    assert averaged.intercept == pytest.approx((0.5 * 10 - 0.5 * 30) / 40)
    assert averaged.samples == 40


def test_drift_flags_a_shifted_distribution_and_not_a_same_distribution_sample():
    rng = np.random.default_rng(1)
    reference = rng.normal(0, 1, (500, 2))
    same = rng.normal(0, 1, (300, 2))
    shifted = np.column_stack([rng.normal(1.5, 1, 300), rng.normal(0, 1, 300)])
    stable = engine.feature_drift(["a", "b"], reference, same, psi_threshold=0.2, ks_alpha=0.01)
    drifted = engine.feature_drift(["a", "b"], reference, shifted, psi_threshold=0.2, ks_alpha=0.01)
    assert [f["drifted"] for f in stable] == [False, False]
    assert [f["drifted"] for f in drifted] == [True, False]
    assert drifted[0]["psi"] > 0.2
    assert drifted[0]["ks_p_value"] < 0.01


def test_gaussian_noise_scale_follows_epsilon():
    loose = engine.gaussian_sigma(epsilon=10, delta=1e-5, clip_norm=5, participants=4)
    strict = engine.gaussian_sigma(epsilon=0.5, delta=1e-5, clip_norm=5, participants=4)
    assert strict == pytest.approx(loose * 20)
    noisy = engine.add_noise(engine.LinearParams([0.0] * 200, 0.0, 5), strict, seed=1)
    assert np.std(noisy.coef) == pytest.approx(strict, rel=0.2)


def test_mcnemar_separates_a_clearly_better_model_from_an_equal_one():
    truth = np.ones(60, dtype=bool)
    better = engine.mcnemar(truth, np.r_[np.ones(30, bool), np.zeros(30, bool)])
    equal = engine.mcnemar(
        np.r_[np.ones(30, bool), np.zeros(30, bool)], np.r_[np.zeros(30, bool), np.ones(30, bool)]
    )
    assert better["p_value"] < 0.001
    assert better["only_a_correct"] == 30
    assert equal["p_value"] == pytest.approx(1.0)


def test_clipping_bounds_a_participants_influence():
    big = engine.LinearParams(coef=[30.0, 40.0], intercept=0.0, samples=1)
    clipped = engine.clip_params(big, 5.0)
    assert np.linalg.norm([*clipped.coef, clipped.intercept]) == pytest.approx(5.0)


def test_ensemble_search_finds_the_informative_component():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 300)
    scores = np.column_stack([rng.random(300), rng.random(300), y * 0.6 + rng.random(300) * 0.4])
    weights, auc = engine.ensemble_optimize(scores, y)
    assert weights["triage"] > 0.5
    assert auc > 0.9
