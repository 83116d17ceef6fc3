"""How a metric becomes a score, a score a rating, and scores roll up. Pure functions.

Metric score (0-100, one decimal), from current value c, target t and direction:

- No current value: no score (the metric is "unmeasured" and left out of every roll-up).
- Meeting or passing the target scores 100. Values past the target earn no extra credit.
- higher_is_better, c < t:  t > 0  ->  100 * c / t   (floored at 0: a negative value scores 0)
                            t <= 0 ->  100 / (1 + (t - c))
- lower_is_better,  c > t:  t > 0  ->  100 * t / c   (twice the target scores 50)
                            t <= 0 ->  100 / (1 + (c - t))
  A target of 0 (e.g. "0 critical vulnerabilities past SLA") has no ratio to take, so the score
  decays with the distance from it: 1 over scores 50, 3 over 25, 9 over 10.

Rating: a risk rating, so a higher score means a lower risk:
  >= 90 Very Low, >= 75 Low, >= 50 Moderate, >= 25 High, below 25 Very High.

Roll-ups (category, function, overall): the priority-weighted mean of the scored metrics in it,
weights High 3, Medium 2, Low 1. The overall score rolls up every scored metric of the framework.

Trend: the roll-up now against the same roll-up at the start of the window (each metric's value
then is its latest history point at or before that moment), over the metrics that had a value at
both times; a difference above the threshold is "up", below minus the threshold "down", else
"stable" (also when there is nothing to compare).
"""

from __future__ import annotations

from collections.abc import Iterable

PRIORITY_WEIGHTS = {"High": 3, "Medium": 2, "Low": 1}
RATING_BANDS = (
    (90.0, "Very Low"),
    (75.0, "Low"),
    (50.0, "Moderate"),
    (25.0, "High"),
    (float("-inf"), "Very High"),
)
HIGHER = "higher_is_better"


def metric_score(current: float | None, target: float | None, direction: str) -> float | None:
    if current is None or target is None:
        return None
    if direction == HIGHER:
        if current >= target:
            return 100.0
        raw = 100.0 * max(current, 0.0) / target if target > 0 else 100.0 / (1.0 + (target - current))
    else:
        if current <= target:
            return 100.0
        raw = 100.0 * target / current if target > 0 else 100.0 / (1.0 + (current - target))
    return round(max(0.0, min(100.0, raw)), 1)


def metric_gap(current: float | None, target: float, direction: str) -> float | None:
    """How far the value is from its target, in the metric's own unit (0 when met)."""
    if current is None:
        return None
    gap = target - current if direction == HIGHER else current - target
    return round(max(gap, 0.0), 2)


def rating(score: float | None) -> str | None:
    if score is None:
        return None
    return next(label for floor, label in RATING_BANDS if score >= floor)


def weighted_mean(scored: Iterable[tuple[float | None, str]]) -> float | None:
    """Priority-weighted mean of (score, priority) pairs, ignoring unscored ones."""
    total = weight_sum = 0.0
    for score, priority in scored:
        if score is None:
            continue
        weight = PRIORITY_WEIGHTS.get(priority, 1)
        total += score * weight
        weight_sum += weight
    return round(total / weight_sum, 1) if weight_sum else None


def trend(now: float | None, then: float | None, *, threshold: float) -> str:
    if now is None or then is None:
        return "stable"
    if now - then > threshold:
        return "up"
    if then - now > threshold:
        return "down"
    return "stable"
