"""Scores of a catalog, rolled up by function and category (formulas in metrics.scoring)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from metrics.models import Catalog, Framework, FrameworkFunction, Metric, MetricValue
from metrics.scoring import PRIORITY_WEIGHTS, metric_gap, metric_score, rating, trend, weighted_mean
from metrics.selectors.frameworks import categories_of, functions_of


@dataclass
class ScoredMetric:
    metric: Metric
    score: float | None
    past_score: float | None

    @property
    def priority(self) -> str:
        return self.metric.priority


def scored_metrics(*, catalog: Catalog, framework: Framework | None, window_days: int) -> list[ScoredMetric]:
    """Every metric of the catalog (in one framework) with its score now and at the window's start."""
    start = timezone.now() - timedelta(days=window_days)
    past_value = (
        MetricValue.objects.for_organization(catalog.organization_id)
        .filter(metric=OuterRef("pk"), recorded_at__lte=start)
        .order_by("-recorded_at")
        .values("value")[:1]
    )
    metrics = (
        Metric.objects.for_organization(catalog.organization_id)
        .filter(catalog=catalog)
        .select_related("function", "category")
        .annotate(past_value=Subquery(past_value))
        .order_by("metric_number")
    )
    if framework is not None:
        metrics = metrics.filter(framework=framework)
    return [
        ScoredMetric(
            metric=m,
            score=metric_score(m.current_value, m.target_value, m.direction),
            past_score=metric_score(m.past_value, m.target_value, m.direction),
        )
        for m in metrics
    ]


def _rollup(items: list[ScoredMetric]) -> dict[str, Any]:
    score = weighted_mean((i.score, i.priority) for i in items)
    comparable = [i for i in items if i.score is not None and i.past_score is not None]
    now = weighted_mean((i.score, i.priority) for i in comparable)
    then = weighted_mean((i.past_score, i.priority) for i in comparable)
    return {
        "score": score,
        "rating": rating(score),
        "metric_count": len(items),
        "scored_count": sum(1 for i in items if i.score is not None),
        "trend": trend(now, then, threshold=settings.METRICS_TREND_THRESHOLD),
    }


def window_days_param(raw: str | None) -> int:
    if raw in (None, ""):
        return settings.METRICS_TREND_WINDOW_DAYS
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 3650:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "window_days must be a whole number of days from 1 to 3650.",
            {"fields": {"window_days": [str(raw)]}},
        )
    return days


def _catalog_summary(catalog: Catalog) -> dict[str, Any]:
    return {
        "id": catalog.pk,
        "name": catalog.name,
        "metric_count": Metric.objects.for_organization(catalog.organization_id)
        .filter(catalog=catalog)
        .count(),
    }


def scores_overview(*, catalog: Catalog, framework: Framework, window_days: int) -> dict[str, Any]:
    items = scored_metrics(catalog=catalog, framework=framework, window_days=window_days)
    by_function: dict[int, list[ScoredMetric]] = defaultdict(list)
    for item in items:
        by_function[item.metric.function_id].append(item)
    overall = _rollup(items)
    return {
        "overall_score": overall["score"],
        "overall_rating": overall["rating"],
        "overall_trend": overall["trend"],
        "framework": {"id": framework.pk, "name": framework.short_name},
        "window_days": window_days,
        "functions": [
            {"code": f.code, "name": f.display_name, **_rollup(by_function.get(f.pk, []))}
            for f in functions_of(framework)
        ],
        "catalog": _catalog_summary(catalog),
    }


def _below_target(items: list[ScoredMetric]) -> list[dict[str, Any]]:
    below = [i for i in items if i.score is not None and i.score < 100]
    # The biggest weighted shortfall first: what most moves the function's score.
    below.sort(
        key=lambda i: (-(100 - (i.score or 0)) * PRIORITY_WEIGHTS.get(i.priority, 1), i.metric.metric_number)
    )
    return [
        {
            "id": i.metric.pk,
            "metric_number": i.metric.metric_number,
            "name": i.metric.name,
            "score": i.score,
            "gap": metric_gap(i.metric.current_value, i.metric.target_value, i.metric.direction),
            "current_value": i.metric.current_value,
            "target_value": i.metric.target_value,
            "unit": i.metric.unit,
            "priority": i.metric.priority,
            "category_code": i.metric.category.code,
        }
        for i in below
    ]


def _category_rows(categories, items: list[ScoredMetric]) -> list[dict[str, Any]]:
    by_category: dict[int, list[ScoredMetric]] = defaultdict(list)
    for item in items:
        by_category[item.metric.category_id].append(item)
    return [
        {
            "code": c.code,
            "function_code": c.function.code,
            "framework": c.framework_id,
            "name": c.name,
            **_rollup(by_category.get(c.pk, [])),
        }
        for c in categories
    ]


def function_scores(*, catalog: Catalog, function: FrameworkFunction, window_days: int) -> dict[str, Any]:
    items = [
        i
        for i in scored_metrics(catalog=catalog, framework=function.framework, window_days=window_days)
        if i.metric.function_id == function.pk
    ]
    rollup = _rollup(items)
    return {
        "function": {
            "code": function.code,
            "name": function.display_name,
            "framework": function.framework_id,
            **rollup,
        },
        "categories": _category_rows(categories_of(function=function), items),
        "metrics_below_target": _below_target(items),
        "window_days": window_days,
    }


def category_scores(
    *, catalog: Catalog, framework: Framework | None, function: FrameworkFunction | None, window_days: int
) -> dict[str, Any]:
    framework = function.framework if function is not None else framework
    items = scored_metrics(catalog=catalog, framework=framework, window_days=window_days)
    categories: Any = categories_of(framework=framework, function=function)
    return {"categories": _category_rows(categories, items), "window_days": window_days}
