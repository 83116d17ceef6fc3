"""The facts the assistant speaks from, computed the same way for every provider."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from metrics.models import Catalog, FrameworkCategory, FrameworkFunction, Metric, MetricValue
from metrics.scoring import PRIORITY_WEIGHTS, metric_gap, metric_score, rating
from metrics.selectors.catalogs import metrics_of
from metrics.selectors.frameworks import categories_of, frameworks
from metrics.selectors.scores import category_scores, function_scores, scores_overview

_METRIC_NUMBER = re.compile(r"\b([A-Z]{2}(?:-[A-Z]{2})?-\d{3,})\b", re.IGNORECASE)
_CSF_CATEGORY = re.compile(r"\b([A-Z]{2}\.[A-Z]{2})\b", re.IGNORECASE)
_RMF_CATEGORY = re.compile(r"\b(GOVERN|MAP|MEASURE|MANAGE)\s+(\d)\b", re.IGNORECASE)
_FUNCTION = re.compile(
    r"\b(GV|ID|PR|DE|RS|RC|GOVERN|IDENTIFY|PROTECT|DETECT|RESPOND|RECOVER|MAP|MEASURE|MANAGE)\b",
    re.IGNORECASE,
)


def metric_summary(metric: Metric) -> dict[str, Any]:
    score = metric_score(metric.current_value, metric.target_value, metric.direction)
    return {
        "id": str(metric.pk),
        "metric_number": metric.metric_number,
        "name": metric.name,
        "description": metric.description,
        "current_value": metric.current_value,
        "target_value": metric.target_value,
        "unit": metric.unit,
        "direction": metric.direction,
        "priority": metric.priority,
        "score": score,
        "rating": rating(score),
        "gap": metric_gap(metric.current_value, metric.target_value, metric.direction),
        "framework": metric.framework_id,
        "csf_function": metric.function.display_name,
        "function_code": metric.function.code,
        "csf_category": metric.category.code,
        "category_name": metric.category.name,
        "subcategory": metric.subcategory.code if metric.subcategory else None,
    }


def scoring_rule(metric: Metric) -> str:
    higher = metric.direction == "higher_is_better"
    if metric.current_value is None:
        return "No current value is recorded, so the metric has no score yet and is left out of roll-ups."
    if (higher and metric.current_value >= metric.target_value) or (
        not higher and metric.current_value <= metric.target_value
    ):
        return "The value meets its target, which scores 100 (going past the target earns no extra credit)."
    if metric.target_value > 0:
        return (
            "Score = 100 * current ÷ target (higher is better)."
            if higher
            else "Score = 100 * target ÷ current (lower is better): twice the target scores 50."
        )
    return (
        "With a target of 0 the score is 100 ÷ (1 + distance from the target): 1 over scores 50, 3 over 25."
    )


def explain_target(*, organization, catalog: Catalog, prompt: str, context: dict[str, Any]) -> dict[str, Any]:
    """What `explain` is about: a metric (context.metric_id or its number), a category or a function."""
    metrics = metrics_of(organization=organization)
    metric = None
    if context.get("metric_id"):
        metric = metrics.filter(pk=_uuid(context["metric_id"])).first()
        if metric is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "No such metric in this organization.")
    elif match := _METRIC_NUMBER.search(prompt or ""):
        metric = metrics.filter(catalog=catalog, metric_number__iexact=match[1]).first()
    if metric is not None:
        history = list(
            MetricValue.objects.for_organization(organization)
            .filter(metric=metric)
            .order_by("recorded_at")
            .values_list("recorded_at", "value")
        )
        return {
            "kind": "metric",
            "metric": metric_summary(metric),
            "category_description": metric.category.description,
            "subcategory_description": metric.subcategory.description if metric.subcategory else None,
            "function_description": metric.function.description,
            "framework_name": metric.framework.short_name,
            "scoring_rule": scoring_rule(metric),
            "history": {
                "points": len(history),
                "first": {"at": history[0][0].isoformat(), "value": history[0][1]} if history else None,
                "last": {"at": history[-1][0].isoformat(), "value": history[-1][1]} if history else None,
            },
        }
    code = context.get("category") or _category_code(prompt)
    if code:
        category = categories_of().filter(code__iexact=code).first()
        if category is not None:
            scores = category_scores(
                catalog=catalog,
                framework=None,
                function=category.function,
                window_days=settings.METRICS_TREND_WINDOW_DAYS,
            )
            row = next(c for c in scores["categories"] if c["code"] == category.code)
            return {
                "kind": "category",
                "category": {
                    "code": category.code,
                    "name": category.name,
                    "description": category.description,
                },
                "function": {"code": category.function.code, "name": category.function.display_name},
                "framework_name": category.framework.short_name,
                "subcategories": [
                    {"code": s.code, "description": s.description}
                    for s in category.subcategories.order_by("order")
                ],
                "score": row,
                "metrics": [metric_summary(m) for m in metrics.filter(catalog=catalog, category=category)],
            }
    function_ref = context.get("function") or (_FUNCTION.search(prompt or "") or [None, None])[1]
    if function_ref:
        function = FrameworkFunction.objects.select_related("framework").filter(
            code__iexact=function_ref
        ).first() or (
            FrameworkFunction.objects.select_related("framework")
            .filter(name__iexact=function_ref)
            .order_by("framework__order")
            .first()
        )
        if function is not None:
            detail = function_scores(
                catalog=catalog, function=function, window_days=settings.METRICS_TREND_WINDOW_DAYS
            )
            return {
                "kind": "function",
                "function": {
                    "code": function.code,
                    "name": function.display_name,
                    "description": function.description,
                },
                "framework_name": function.framework.short_name,
                **detail,
            }
    raise ApplicationError(
        ErrorCode.VALIDATION_ERROR,
        "Say what to explain: a metric (context.metric_id, or its number such as PR-001), a category (PR.AA, GOVERN 1) "
        "or a function (PR, PROTECT).",
        {"fields": {"context": ["Nothing to explain was named."]}},
    )


def _category_code(prompt: str) -> str | None:
    if match := _CSF_CATEGORY.search(prompt or ""):
        return match[1].upper()
    if match := _RMF_CATEGORY.search(prompt or ""):
        return f"{match[1].upper()} {match[2]}"
    return None


def _uuid(raw: Any):
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such metric in this organization.") from None


def catalog_report(*, organization, catalog: Catalog) -> dict[str, Any]:
    window = settings.METRICS_TREND_WINDOW_DAYS
    metrics = list(metrics_of(organization=organization).filter(catalog=catalog))
    by_framework = []
    for framework in frameworks():
        if any(m.framework_id == framework.pk for m in metrics):
            by_framework.append(scores_overview(catalog=catalog, framework=framework, window_days=window))
    summaries = [metric_summary(m) for m in metrics]
    below = [s for s in summaries if s["score"] is not None and s["score"] < 100]
    below.sort(key=lambda s: -(100 - s["score"]) * PRIORITY_WEIGHTS.get(s["priority"], 1))
    return {
        "catalog": {"id": str(catalog.pk), "name": catalog.name, "metric_count": len(metrics)},
        "frameworks": by_framework,
        "top_gaps": below[:5],
        "meeting_target": sum(1 for s in summaries if s["score"] == 100),
        "below_target": len(below),
        "unmeasured": sum(1 for s in summaries if s["score"] is None),
        "window_days": window,
    }


def catalog_recommendation_facts(*, organization, catalog: Catalog) -> dict[str, Any]:
    window = settings.METRICS_TREND_WINDOW_DAYS
    metrics = list(metrics_of(organization=organization).filter(catalog=catalog))
    summaries = [metric_summary(m) for m in metrics]
    covered = {m.category_id for m in metrics}
    uncovered = [
        c for c in FrameworkCategory.objects.select_related("function", "framework") if c.pk not in covered
    ]
    stale_before = timezone.now() - timedelta(days=window)
    last_points = dict(
        MetricValue.objects.for_organization(organization)
        .filter(metric__catalog=catalog)
        .order_by("metric_id", "recorded_at")
        .values_list("metric_id", "recorded_at")
    )
    stale = [
        s
        for m, s in zip(metrics, summaries, strict=True)
        if m.current_value is not None and last_points.get(m.pk) and last_points[m.pk] < stale_before
    ]
    below = [s for s in summaries if s["score"] is not None and s["score"] < 100]
    below.sort(key=lambda s: -(100 - s["score"]) * PRIORITY_WEIGHTS.get(s["priority"], 1))
    return {
        "below_target": below,
        "unmeasured": [s for s in summaries if s["score"] is None],
        "uncovered_categories": [
            {"code": c.code, "name": c.name, "framework": c.framework_id, "function": c.function.display_name}
            for c in uncovered
        ],
        "stale": stale,
        "window_days": window,
    }
