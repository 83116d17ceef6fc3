"""The local provider: deterministic, offline, rule- and template-based. It is not a language
model, and every answer says so."""

from __future__ import annotations

from typing import Any

from config.api.errors import ApplicationError, ErrorCode
from metrics.assistant.text import overlap, title_case, tokens
from metrics.catalog_template import template_metrics
from metrics.models import FrameworkCategory, FrameworkSubcategory

DISCLOSURE = "Local assistant (offline and rule-based, not a language model)"
ENHANCEMENT_TYPES = ("clarity", "targets", "priority", "mapping")
_MEASURABLE = (
    "rate",
    "coverage",
    "time",
    "count",
    "ratio",
    "percentage",
    "score",
    "number",
    "compliance",
    "attainment",
    "adoption",
)
_HIGH_PRIORITY_WORDS = {
    "mfa",
    "privileged",
    "critical",
    "backup",
    "incident",
    "encrypted",
    "ransomware",
    "breach",
    "admin",
    "adversarial",
}


def _framework_tree() -> tuple[
    dict[tuple[str, str], FrameworkCategory], dict[int, list[FrameworkSubcategory]]
]:
    categories = {
        (c.framework_id, c.code): c for c in FrameworkCategory.objects.select_related("function", "framework")
    }
    subs: dict[int, list[FrameworkSubcategory]] = {}
    for sub in FrameworkSubcategory.objects.order_by("order"):
        subs.setdefault(sub.category_id, []).append(sub)
    return categories, subs


def _function_matches(category: FrameworkCategory, hint: str | None) -> bool:
    if not hint:
        return True
    hint = hint.strip().lower()
    return hint in (category.function.code.lower(), category.function.name.lower())


def _proposal(template: dict[str, Any], category: FrameworkCategory) -> dict[str, Any]:
    return {
        "name": template["name"],
        "description": template["description"],
        "current_value": None,
        "target_value": template["target_value"],
        "unit": template["unit"],
        "direction": template["direction"],
        "framework": category.framework_id,
        "csf_function": category.function.display_name,
        "csf_category": category.code,
        "subcategory": template.get("subcategory"),
        "priority": template["priority"],
    }


def _rank_templates(
    query: list[str], categories, subs, *, function_hint, framework_id
) -> list[tuple[int, set[str], dict, Any]]:
    ranked = []
    for order, template in enumerate(template_metrics(framework_id)):
        category = categories[(template["framework"], template["category"])]
        if not _function_matches(category, function_hint):
            continue
        sub_text = " ".join(
            s.description for s in subs.get(category.pk, []) if s.code == template.get("subcategory")
        )
        name_hits = overlap(query, template["name"])
        other_hits = overlap(
            query, f"{template['description']} {category.name} {category.description} {sub_text}"
        )
        score = 3 * len(name_hits) + len(other_hits)
        if score:
            ranked.append((score, name_hits | other_hits, template, order))
    ranked.sort(key=lambda r: (-r[0], {"High": 0, "Medium": 1, "Low": 2}[r[2]["priority"]], r[3]))
    return ranked


def _compose(
    query: list[str], prompt: str, categories, subs, *, function_hint, framework_id
) -> dict[str, Any] | None:
    """No template fits: build a coverage metric for the category whose NIST text fits best."""
    best = None
    for (fw, _code), category in categories.items():
        if (framework_id and fw != framework_id) or not _function_matches(category, function_hint):
            continue
        for sub in subs.get(category.pk, []) or [None]:
            text = f"{category.name} {category.description} {sub.description if sub else ''}"
            hits = overlap(query, text)
            if hits and (best is None or len(hits) > len(best[0])):
                best = (hits, category, sub)
    if best is None:
        return None
    hits, category, sub = best
    topic_words = list(dict.fromkeys(query))[:4]
    topic = title_case(" ".join(topic_words))
    high = category.function.code in ("PR", "DE", "RS", "MEASURE", "MANAGE") or bool(
        _HIGH_PRIORITY_WORDS & set(query)
    )
    metric = {
        "name": f"{topic} Coverage",
        "description": (
            f"Percentage of in-scope assets, processes or teams where {topic.lower()} is in place and verified, "
            f"as evidence for {category.code} ({category.name if category.name != category.code else category.description.rstrip('.')})."
        ),
        "current_value": None,
        "target_value": 90,
        "unit": "%",
        "direction": "higher_is_better",
        "framework": category.framework_id,
        "csf_function": category.function.display_name,
        "csf_category": category.code,
        "subcategory": sub.code if sub else None,
        "priority": "High" if high else "Medium",
    }
    return {"metric": metric, "hits": hits, "category": category, "sub": sub}


def suggest_metric(
    *,
    prompt: str,
    function_hint: str | None = None,
    framework_id: str | None = None,
    existing_names: set[str] | frozenset = frozenset(),
) -> dict[str, Any]:
    query = tokens(prompt)
    categories, subs = _framework_tree()
    ranked = _rank_templates(query, categories, subs, function_hint=function_hint, framework_id=framework_id)
    if ranked:
        fresh = [r for r in ranked if r[2]["name"].lower() not in existing_names]
        score, hits, template, _ = (fresh or ranked)[0]
        category = categories[(template["framework"], template["category"])]
        metric = _proposal(template, category)
        sub = next((s for s in subs.get(category.pk, []) if s.code == template.get("subcategory")), None)
        confidence = round(min(0.95, 0.5 + 0.08 * score), 2)
        origin = f"matches “{template['name']}” from Palisade's default catalog"
    else:
        composed = _compose(
            query, prompt, categories, subs, function_hint=function_hint, framework_id=framework_id
        )
        if composed is None:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                "The local assistant could not relate the request to any framework category. Name what to measure "
                "(for example 'patch compliance' or 'phishing clicks'), or set context.function.",
                {"fields": {"prompt": ["No recognisable security topic."]}},
            )
        metric, hits, category, sub = (
            composed["metric"],
            composed["hits"],
            composed["category"],
            composed["sub"],
        )
        confidence = round(min(0.6, 0.35 + 0.05 * len(hits)), 2)
        origin = "has no ready-made metric, so this one was composed from the NIST text that fits it best"
    mapping = f"{category.framework.short_name} {category.function.display_name} > {category.code}"
    if category.name != category.code:
        mapping += f" {category.name}"
    if sub is not None:
        mapping += f" > {sub.code} (“{sub.description.rstrip('.')}”)"
    already = metric["name"].lower() in existing_names
    explanation = (
        f"{DISCLOSURE}: your request {origin}, on the words {', '.join(sorted(hits))}. It maps to {mapping}."
        + (" Your catalog already has a metric with this name." if already else "")
    )
    return {
        "metric": metric,
        "explanation": explanation,
        "confidence": confidence,
        "matched_terms": sorted(hits),
        "already_in_catalog": already,
    }


def _best_template(query: list[str], categories, subs) -> dict[str, Any] | None:
    ranked = _rank_templates(query, categories, subs, function_hint=None, framework_id=None)
    return ranked[0][2] if ranked and ranked[0][0] >= 3 else None


def enhance_item(item: dict[str, Any], types: list[str], categories, subs) -> dict[str, Any]:
    name = str(item.get("name") or "").strip()
    description = str(item.get("description") or "").strip()
    query = tokens(f"{name} {description}")
    template = _best_template(query, categories, subs)
    suggested: dict[str, Any] = {}
    reasons = []
    if "clarity" in types:
        clear = title_case(name) if name else (template["name"] if template else "")
        if (
            template
            and overlap(tokens(template["name"]), name)
            and len(tokens(name)) <= len(tokens(template["name"]))
        ):
            clear = template["name"]
        elif clear and not any(word in clear.lower() for word in _MEASURABLE):
            clear = f"{clear} Rate"
        if clear and clear != name:
            suggested["name"] = clear
            reasons.append("named it as a measurable quantity")
        if len(description) < 40:
            better = (
                template["description"]
                if template
                else (
                    f"Percentage of in-scope assets or processes for which {(clear or name).lower()} is met, measured monthly."
                )
            )
            if better != description:
                suggested["description"] = better
                reasons.append("described what is counted and over what population")
    unit = item.get("unit") or (template["unit"] if template else "%")
    direction = item.get("direction") or (template["direction"] if template else "higher_is_better")
    if "targets" in types:
        target = item.get("target_value")
        proposed = target
        if target is None and template:
            proposed = template["target_value"]
        elif (
            isinstance(target, int | float)
            and unit == "%"
            and direction == "higher_is_better"
            and target >= 100
        ):
            proposed = template["target_value"] if template and template["target_value"] < 100 else 95
        elif isinstance(target, int | float) and unit == "%" and target > 100:
            proposed = 100
        if proposed != target and proposed is not None:
            suggested["target_value"] = proposed
            reasons.append(
                "set a target that is demanding but attainable (100% leaves no room for exceptions)"
                if target is not None
                else "gave it the target Palisade's catalog uses for this measure"
            )
    if "priority" in types:
        priority = (
            template["priority"] if template else ("High" if _HIGH_PRIORITY_WORDS & set(query) else "Medium")
        )
        if str(item.get("priority") or "") != priority:
            suggested["priority"] = priority
            reasons.append(f"rated it {priority} priority for the risk it tracks")
    if "mapping" in types:
        category = categories[(template["framework"], template["category"])] if template else None
        if category is not None and str(item.get("csf_category") or "").upper() != category.code.upper():
            suggested.update(
                {
                    "framework": category.framework_id,
                    "csf_function": category.function.display_name,
                    "csf_category": category.code,
                }
            )
            reasons.append(f"mapped it to {category.code}")
    changes = [k for k in suggested if item.get(k) != suggested[k]]
    reasoning = f"{DISCLOSURE}: " + (
        "; ".join(reasons).capitalize() + "."
        if reasons
        else "No change needed for the requested enhancement types."
    )
    if template:
        reasoning += f" Closest catalog metric: “{template['name']}”."
    return {
        "original": item,
        "suggested": {**{k: item[k] for k in item if k in ("name",)}, **suggested},
        "changes": changes,
        "reasoning": reasoning,
    }


def enhance(items: list[dict[str, Any]], types: list[str]) -> dict[str, Any]:
    categories, subs = _framework_tree()
    enhancements = [enhance_item(item, types, categories, subs) for item in items]
    return {
        "enhancements": enhancements,
        "summary": {
            "total": len(enhancements),
            "enhanced": sum(1 for e in enhancements if e["changes"]),
            "changes": sum(len(e["changes"]) for e in enhancements),
        },
    }
