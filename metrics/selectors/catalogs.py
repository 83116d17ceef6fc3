"""Catalogs and their metrics, always within one organization."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db.models import Count, QuerySet

from config.api.errors import ApplicationError, ErrorCode
from metrics.models import Catalog, Metric, MetricValue
from metrics.scoring import metric_gap, metric_score, rating
from organizations.models import Organization


def catalogs_of(*, organization: Organization) -> QuerySet[Catalog]:
    return (
        Catalog.objects.for_organization(organization)
        .annotate(metric_count=Count("metrics"))
        .order_by("-is_active", "name")
    )


def active_catalog(*, organization: Organization) -> Catalog | None:
    return catalogs_of(organization=organization).filter(is_active=True).first()


def active_catalog_or_error(*, organization: Organization) -> Catalog:
    catalog = active_catalog(organization=organization)
    if catalog is None:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "This organization has no active catalog; create or activate one first.",
            {"catalog": None},
        )
    return catalog


def catalog_param(*, organization: Organization, reference: str | None) -> Catalog:
    """The catalog a `catalog` query parameter names (another organization's is a 404), else the active one."""
    if not reference:
        return active_catalog_or_error(organization=organization)
    catalog = catalogs_of(organization=organization).filter(pk=_uuid_or_404(reference)).first()
    if catalog is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such catalog in this organization.")
    return catalog


def _uuid_or_404(raw: str):
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such catalog in this organization.") from None


def metrics_of(*, organization: Organization) -> QuerySet[Metric]:
    return Metric.objects.for_organization(organization).select_related(
        "framework", "function", "category", "subcategory", "catalog"
    )


def metric_history(*, metric: Metric) -> list[MetricValue]:
    return list(
        MetricValue.objects.for_organization(metric.organization_id)
        .filter(metric=metric)
        .order_by("-recorded_at")[: settings.METRICS_HISTORY_LIMIT]
    )


def metric_facts(metric: Metric) -> dict:
    """Score, rating and gap of one metric."""
    score = metric_score(metric.current_value, metric.target_value, metric.direction)
    return {
        "score": score,
        "rating": rating(score),
        "gap": metric_gap(metric.current_value, metric.target_value, metric.direction),
    }
