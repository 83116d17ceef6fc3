"""The score formula and its edge cases (documented in metrics/scoring.py)."""

import pytest

from metrics.scoring import metric_gap, metric_score, rating, trend, weighted_mean

H, L = "higher_is_better", "lower_is_better"


@pytest.mark.parametrize(
    ("current", "target", "direction", "expected"),
    [
        (85, 95, H, 89.5),  # seed A's example
        (95, 95, H, 100.0),  # on target
        (120, 95, H, 100.0),  # past target earns nothing extra
        (0, 95, H, 0.0),
        (-5, 95, H, 0.0),  # negative value floors at 0
        (0, 0, H, 100.0),  # target 0, met
        (-1, 0, H, 50.0),  # target 0, one short
        (10, 20, L, 100.0),  # under a lower-is-better target
        (40, 20, L, 50.0),  # twice the target
        (0, 0, L, 100.0),  # target 0, met
        (1, 0, L, 50.0),  # target 0, one over
        (3, 0, L, 25.0),
        (9, 0, L, 10.0),
        (None, 95, H, None),  # unmeasured
    ],
)
def test_metric_score(current, target, direction, expected):
    assert metric_score(current, target, direction) == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (100, "Very Low"),
        (90, "Very Low"),
        (89.9, "Low"),
        (75, "Low"),
        (72.5, "Moderate"),
        (50, "Moderate"),
        (49.9, "High"),
        (25, "High"),
        (24.9, "Very High"),
        (0, "Very High"),
        (None, None),
    ],
)
def test_rating_bands_higher_score_lower_risk(score, expected):
    assert rating(score) == expected


def test_weighted_mean_weights_priority_and_skips_unmeasured():
    # (100*3 + 40*1) / 4 = 85
    assert weighted_mean([(100, "High"), (40, "Low"), (None, "High")]) == 85.0
    assert weighted_mean([(None, "High")]) is None


def test_gap_is_in_the_metric_unit_and_zero_when_met():
    assert metric_gap(58, 95, H) == 37
    assert metric_gap(12, 4, L) == 8
    assert metric_gap(99, 95, H) == 0
    assert metric_gap(None, 95, H) is None


def test_trend_uses_threshold():
    assert trend(80, 70, threshold=2) == "up"
    assert trend(70, 80, threshold=2) == "down"
    assert trend(71, 70, threshold=2) == "stable"
    assert trend(70, None, threshold=2) == "stable"
