"""The NIST frameworks: lookups by code or name, and mapping validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from config.api.errors import ApplicationError, ErrorCode
from metrics.models import Framework, FrameworkCategory, FrameworkFunction, FrameworkSubcategory
from metrics.reference import framework_id_for

CSF = "csf-2.0"
AI_RMF = "ai-rmf-1.0"


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.annotate(
        function_count=Count("functions", distinct=True),
        category_count=Count("categories", distinct=True),
        subcategory_count=Count("subcategories", distinct=True),
    ).order_by("order")


def framework_find(reference: str | None) -> Framework | None:
    framework_id = framework_id_for(reference or "")
    return Framework.objects.filter(pk=framework_id).first() if framework_id else None


def framework_get(reference: str) -> Framework:
    framework = frameworks().filter(pk=framework_id_for(reference) or "").first()
    if framework is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, f"No framework {reference!r}; use csf-2.0 or ai-rmf-1.0.")
    return framework


def framework_param(reference: str | None, *, default: str | None = CSF) -> Framework | None:
    """A framework named by a query parameter (any accepted spelling), or the default when absent."""
    if not reference:
        return Framework.objects.filter(pk=default).first() if default else None
    framework = framework_find(reference)
    if framework is None:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown framework {reference!r}.",
            {"fields": {"framework": ["Use csf-2.0 (csf_2_0) or ai-rmf-1.0 (ai_rmf)."]}},
        )
    return framework


def functions_of(framework: Framework) -> QuerySet[FrameworkFunction]:
    return framework.functions.annotate(category_count=Count("categories")).order_by("order")


def function_find(reference: str, *, framework: Framework | None = None) -> FrameworkFunction | None:
    """A function by code (GV, GOVERN) or by name (Protect, PROTECT). Codes win over names."""
    reference = (reference or "").strip()
    if not reference:
        return None
    functions = FrameworkFunction.objects.select_related("framework")
    if framework is not None:
        functions = functions.filter(framework=framework)
    return (
        functions.filter(code__iexact=reference).first()
        or functions.filter(name__iexact=reference).order_by("framework__order").first()
    )


def function_filter_q(reference: str, prefix: str = "function") -> Q:
    """Rows whose function is `reference` by code or by name, in any framework."""
    return Q(**{f"{prefix}__code__iexact": reference.strip()}) | Q(
        **{f"{prefix}__name__iexact": reference.strip()}
    )


def categories_of(
    *, framework: Framework | None = None, function: FrameworkFunction | None = None
) -> QuerySet[FrameworkCategory]:
    categories = FrameworkCategory.objects.select_related("function", "framework").annotate(
        subcategory_count=Count("subcategories")
    )
    if framework is not None:
        categories = categories.filter(framework=framework)
    if function is not None:
        categories = categories.filter(function=function)
    return categories.order_by("framework__order", "function__order", "order")


def category_find(code: str, *, framework: Framework | None = None) -> FrameworkCategory | None:
    categories = FrameworkCategory.objects.select_related("function", "framework")
    if framework is not None:
        categories = categories.filter(framework=framework)
    return categories.filter(code__iexact=(code or "").strip()).first()


def subcategories_of(
    *, framework: Framework | None = None, category: FrameworkCategory | None = None
) -> QuerySet[FrameworkSubcategory]:
    subcategories = FrameworkSubcategory.objects.select_related("category")
    if framework is not None:
        subcategories = subcategories.filter(framework=framework)
    if category is not None:
        subcategories = subcategories.filter(category=category)
    return subcategories.order_by("category__function__order", "category__order", "order")


@dataclass(frozen=True)
class Mapping:
    framework: Framework
    function: FrameworkFunction
    category: FrameworkCategory
    subcategory: FrameworkSubcategory | None


def mapping_errors(
    *,
    framework: str | None = None,
    function: str | None = None,
    category: str | None = None,
    subcategory: str | None = None,
) -> tuple[Mapping | None, dict[str, str]]:
    """Resolves a framework mapping; returns it, or the problems by field (nothing raised)."""
    errors: dict[str, str] = {}
    chosen = None
    if framework:
        chosen = framework_find(framework)
        if chosen is None:
            return None, {"framework": f"Unknown framework {framework!r}; use csf-2.0 or ai-rmf-1.0."}
    if not category:
        return None, {"csf_category": "A category is required (e.g. PR.AA or GOVERN 1)."}
    found = category_find(category, framework=chosen)
    if found is None:
        where = f" in {chosen.short_name}" if chosen else ""
        return None, {"csf_category": f"Unknown category {category!r}{where}."}
    if function and function.strip().lower() not in (
        found.function.code.lower(),
        found.function.name.lower(),
    ):
        errors["csf_function"] = (
            f"Category {found.code} belongs to {found.function.code} ({found.function.display_name}), not {function!r}."
        )
    sub = None
    if subcategory:
        sub = FrameworkSubcategory.objects.filter(category=found, code__iexact=subcategory.strip()).first()
        if sub is None:
            errors["subcategory"] = f"{subcategory!r} is not a subcategory of {found.code}."
    if errors:
        return None, errors
    return Mapping(found.framework, found.function, found, sub), {}


def mapping_resolve(**kwargs: Any) -> Mapping:
    mapping, errors = mapping_errors(**kwargs)
    if mapping is None:
        _field, message = next(iter(errors.items()))
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, message, {"fields": {k: [v] for k, v in errors.items()}}
        )
    return mapping


def csf_validate(
    *, function: str, category: str | None = None, subcategory: str | None = None
) -> dict[str, Any]:
    """Whether a CSF 2.0 function (by code or name), category and subcategory fit together."""
    csf = Framework.objects.get(pk=CSF)
    found_function = function_find(function, framework=csf)
    result: dict[str, Any] = {
        "valid": True,
        "function": None,
        "category": None,
        "subcategory": None,
        "errors": [],
    }
    if found_function is None:
        result["errors"].append(
            f"{function!r} is not a CSF 2.0 function (GV, ID, PR, DE, RS, RC or their names)."
        )
    else:
        result["function"] = {"code": found_function.code, "name": found_function.display_name}
    found_category = None
    if category:
        found_category = category_find(category, framework=csf)
        if found_category is None:
            result["errors"].append(f"{category!r} is not a CSF 2.0 category.")
        else:
            result["category"] = {"code": found_category.code, "name": found_category.name}
            if found_function is not None and found_category.function_id != found_function.pk:
                result["errors"].append(
                    f"{found_category.code} belongs to {found_category.function.code}, not {found_function.code}."
                )
    if subcategory:
        found_sub = (
            FrameworkSubcategory.objects.filter(framework=csf, code__iexact=subcategory.strip())
            .select_related("category")
            .first()
        )
        if found_sub is None:
            result["errors"].append(f"{subcategory!r} is not a CSF 2.0 subcategory.")
        else:
            result["subcategory"] = {"code": found_sub.code, "description": found_sub.description}
            if found_category is not None and found_sub.category_id != found_category.pk:
                result["errors"].append(
                    f"{found_sub.code} belongs to {found_sub.category.code}, not {found_category.code}."
                )
    result["valid"] = not result["errors"]
    return result
