"""Metrics: creation with automatic numbers, updates with history and locking, deletion."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from metrics.models import (
    Catalog,
    Direction,
    FrameworkCategory,
    FrameworkSubcategory,
    Metric,
    MetricSource,
    MetricValue,
    Priority,
)
from metrics.selectors.frameworks import Mapping, mapping_resolve
from organizations.models import Organization

_NUMBER = re.compile(r"^(?P<prefix>.+)-(?P<n>\d+)$")
EDITABLE = (
    "name",
    "description",
    "current_value",
    "target_value",
    "unit",
    "direction",
    "priority",
    "csf_function",
    "csf_category",
    "subcategory",
    "framework",
)


def acting_person(user):
    """The user behind a request, or None for a machine (an API key acts for nobody in particular)."""
    return user if isinstance(user, get_user_model()) else None


def _invalid(field_name: str, message: str) -> ApplicationError:
    return ApplicationError(
        ErrorCode.VALIDATION_ERROR, f"{field_name}: {message}", {"fields": {field_name: [message]}}
    )


def clean_number(value: Any, field_name: str, *, required: bool) -> float | None:
    if value is None or value == "":
        if required:
            raise _invalid(field_name, "This field is required.")
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _invalid(field_name, f"Must be a number, got {value!r}.") from None
    if not math.isfinite(number) or abs(number) > 1e12:
        raise _invalid(field_name, "Must be a finite number within ±1e12.")
    return number


def clean_priority(value: str | None) -> str:
    for choice in Priority.values:
        if (value or "").strip().lower() == choice.lower():
            return choice
    raise _invalid("priority", f"Use High, Medium or Low, not {value!r}.")


def clean_direction(value: str | None) -> str:
    normalized = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {
        "higher": Direction.HIGHER_IS_BETTER,
        "up": Direction.HIGHER_IS_BETTER,
        "lower": Direction.LOWER_IS_BETTER,
        "down": Direction.LOWER_IS_BETTER,
    }
    direction = aliases.get(normalized, normalized)
    if direction not in Direction.values:
        raise _invalid("direction", f"Use higher_is_better or lower_is_better, not {value!r}.")
    return direction


def clean_name(value: str | None) -> str:
    name = (value or "").strip()
    if not name:
        raise _invalid("name", "May not be blank.")
    if len(name) > 200:
        raise _invalid("name", "At most 200 characters.")
    return name


@dataclass
class NumberAllocator:
    """Hands out PR-001, PR-002 ... per catalog and prefix, after the numbers already taken."""

    taken: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @classmethod
    def for_catalog(cls, catalog: Catalog) -> NumberAllocator:
        allocator = cls()
        numbers = (
            Metric.objects.for_organization(catalog.organization_id)
            .filter(catalog=catalog)
            .values_list("metric_number", flat=True)
        )
        for number in numbers:
            if match := _NUMBER.match(number):
                prefix, n = match["prefix"], int(match["n"])
                allocator.taken[prefix] = max(allocator.taken[prefix], n)
        return allocator

    def next(self, prefix: str) -> str:
        self.taken[prefix] += 1
        return f"{prefix}-{self.taken[prefix]:03d}"


def lock_catalog(catalog: Catalog) -> Catalog:
    """Serialises number allocation within a catalog (a row lock on PostgreSQL)."""
    return Catalog.objects.select_for_update().for_organization(catalog.organization_id).get(pk=catalog.pk)


def build_metric(
    *, catalog: Catalog, mapping: Mapping, number: str, values: dict[str, Any], source: str, user
) -> Metric:
    return Metric(
        organization_id=catalog.organization_id,
        catalog=catalog,
        metric_number=number,
        name=values["name"],
        description=values.get("description", ""),
        current_value=values.get("current_value"),
        target_value=values["target_value"],
        unit=values.get("unit", ""),
        direction=values.get("direction", Direction.HIGHER_IS_BETTER),
        framework=mapping.framework,
        function=mapping.function,
        category=mapping.category,
        subcategory=mapping.subcategory,
        priority=values.get("priority", Priority.MEDIUM),
        source=source,
        created_by=acting_person(user),
    )


def metrics_bulk_insert(metrics: list[Metric], *, user, at=None) -> list[Metric]:
    """Inserts new metrics and the first history point of every one that has a value."""
    Metric.objects.bulk_create(metrics)
    at = at or timezone.now()
    recorder = acting_person(user)
    MetricValue.objects.bulk_create(
        [
            MetricValue(
                organization_id=m.organization_id,
                metric=m,
                value=m.current_value,
                recorded_at=at,
                recorded_by=recorder,
            )
            for m in metrics
            if m.current_value is not None
        ]
    )
    return metrics


@transaction.atomic
def metric_create(
    *,
    organization: Organization,
    catalog: Catalog,
    user,
    name: str,
    target_value: Any,
    csf_category: str,
    csf_function: str | None = None,
    framework: str | None = None,
    subcategory: str | None = None,
    description: str = "",
    current_value: Any = None,
    unit: str = "",
    direction: str = Direction.HIGHER_IS_BETTER,
    priority: str = Priority.MEDIUM,
    source: str = MetricSource.MANUAL,
) -> Metric:
    if catalog.organization_id != organization.pk:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such catalog in this organization.")
    mapping = mapping_resolve(
        framework=framework, function=csf_function, category=csf_category, subcategory=subcategory
    )
    values = {
        "name": clean_name(name),
        "description": (description or "").strip(),
        "current_value": clean_number(current_value, "current_value", required=False),
        "target_value": clean_number(target_value, "target_value", required=True),
        "unit": (unit or "").strip()[:32],
        "direction": clean_direction(direction),
        "priority": clean_priority(priority),
    }
    catalog = lock_catalog(catalog)
    number = NumberAllocator.for_catalog(catalog).next(mapping.function.metric_prefix)
    metric = build_metric(
        catalog=catalog, mapping=mapping, number=number, values=values, source=source, user=user
    )
    metric.full_clean(exclude=["organization", "catalog", "framework", "function", "category", "subcategory"])
    metrics_bulk_insert([metric], user=user)
    return metric


def _check_lock(metric: Metric, changes: dict[str, Any], *, is_admin: bool) -> None:
    if "is_locked" in changes and bool(changes["is_locked"]) != metric.is_locked and not is_admin:
        raise ApplicationError(ErrorCode.FORBIDDEN, "Only an admin can lock or unlock a metric.")
    edits = sorted(set(changes) - {"is_locked"})
    if metric.is_locked and edits:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"{metric.metric_number} is locked; an admin must unlock it (is_locked: false) before it can be edited.",
            {"metric_id": str(metric.pk), "fields": edits},
        )


@transaction.atomic
def metric_update(*, metric: Metric, user, is_admin: bool, changes: dict[str, Any]) -> Metric:
    """Partial update. A locked metric accepts only being unlocked, by an admin; every change of
    current_value appends a history point."""
    metric = Metric.objects.select_for_update().for_organization(metric.organization_id).get(pk=metric.pk)
    _check_lock(metric, changes, is_admin=is_admin)
    if {"csf_category", "csf_function", "subcategory", "framework"} & set(changes):
        mapping = mapping_resolve(
            framework=changes.get("framework") or metric.framework_id,
            function=changes.get("csf_function"),
            category=changes.get("csf_category") or metric.category.code,
            subcategory=changes.get("subcategory", metric.subcategory.code if metric.subcategory else None),
        )
        metric.framework, metric.function, metric.category, metric.subcategory = (
            mapping.framework,
            mapping.function,
            mapping.category,
            mapping.subcategory,
        )
    cleaners = {
        "name": clean_name,
        "description": lambda v: (v or "").strip(),
        "target_value": lambda v: clean_number(v, "target_value", required=True),
        "current_value": lambda v: clean_number(v, "current_value", required=False),
        "unit": lambda v: (v or "").strip()[:32],
        "direction": clean_direction,
        "priority": clean_priority,
    }
    previous_value = metric.current_value
    for name, clean in cleaners.items():
        if name in changes:
            setattr(metric, name, clean(changes[name]))
    if "is_locked" in changes and bool(changes["is_locked"]) != metric.is_locked:
        metric.is_locked = bool(changes["is_locked"])
        metric.locked_by = acting_person(user) if metric.is_locked else None
        metric.locked_at = timezone.now() if metric.is_locked else None
    metric.save()
    if (
        "current_value" in changes
        and metric.current_value is not None
        and metric.current_value != previous_value
    ):
        MetricValue.objects.create(
            organization_id=metric.organization_id,
            metric=metric,
            value=metric.current_value,
            recorded_at=timezone.now(),
            recorded_by=acting_person(user),
        )
    return metric


@transaction.atomic
def metric_delete(*, metric: Metric) -> None:
    if metric.is_locked:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"{metric.metric_number} is locked; an admin must unlock it before it can be deleted.",
        )
    metric.delete()


def existing_names(catalog: Catalog) -> set[str]:
    return {
        n.strip().lower()
        for n in Metric.objects.for_organization(catalog.organization_id)
        .filter(catalog=catalog)
        .values_list("name", flat=True)
    }


def metrics_from_templates(
    *, catalog: Catalog, templates: Iterable[dict[str, Any]], user, source: str
) -> list[Metric]:
    """Adds template metrics (the default catalog) to a catalog; names already there are skipped."""
    allocator = NumberAllocator.for_catalog(catalog)
    names = existing_names(catalog)
    # Two queries for the whole framework tree rather than a few per template.
    categories = {
        (c.framework_id, c.code): c for c in FrameworkCategory.objects.select_related("function", "framework")
    }
    subcategories = {(s.framework_id, s.code): s for s in FrameworkSubcategory.objects.all()}
    built = []
    for template in templates:
        if template["name"].lower() in names:
            continue
        category = categories[(template["framework"], template["category"])]
        sub_code = template.get("subcategory")
        mapping = Mapping(
            category.framework,
            category.function,
            category,
            subcategories[(template["framework"], sub_code)] if sub_code else None,
        )
        built.append(
            build_metric(
                catalog=catalog,
                mapping=mapping,
                number=allocator.next(mapping.function.metric_prefix),
                values={**template, "current_value": template.get("current_value")},
                source=source,
                user=user,
            )
        )
    return metrics_bulk_insert(built, user=user)
