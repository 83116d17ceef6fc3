"""Prompting a remote provider (bring your own model) with Palisade's facts, and reading its answer.

Structured modes (metrics, enhance) ask for JSON and check it as strictly as user input: a model
that invents a category or a non-number target is an AI_ERROR, not a bad metric. Narrative modes
(explain, report, recommendations) keep Palisade's computed facts and add the model's prose.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ai.services import AssistantProvider, assistant_complete
from config.api.errors import ApplicationError, ErrorCode
from metrics.models import FrameworkCategory
from metrics.selectors.frameworks import mapping_errors
from metrics.services.metrics import clean_direction, clean_name, clean_number, clean_priority

SYSTEM = (
    "You are Palisade's security metrics assistant. You help security teams define and improve measurable "
    "metrics mapped to NIST CSF 2.0 and NIST AI RMF 1.0. Be precise and concise. Never invent framework codes."
)
_JSON_BLOCK = re.compile(r"\{.*\}", re.DOTALL)


def _ai_error(provider: AssistantProvider, message: str) -> ApplicationError:
    return ApplicationError(ErrorCode.AI_ERROR, message, {"provider": provider.code, "model": provider.model})


def parse_json(provider: AssistantProvider, text: str) -> dict[str, Any]:
    match = _JSON_BLOCK.search(text or "")
    try:
        data = json.loads(match.group(0)) if match else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise _ai_error(
            provider, "The model's answer was not the JSON Palisade asked for; try again or another model."
        )
    return data


def _categories_prompt(framework_id: str | None) -> str:
    categories = FrameworkCategory.objects.select_related("function").order_by(
        "framework__order", "function__order", "order"
    )
    if framework_id:
        categories = categories.filter(framework_id=framework_id)
    return "\n".join(
        f"- {c.code} ({c.framework_id}, function {c.function.code} {c.function.display_name}): {c.description[:160]}"
        for c in categories
    )


def checked_metric(provider: AssistantProvider, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _ai_error(provider, "The model's answer had no metric object.")
    try:
        metric = {
            "name": clean_name(raw.get("name")),
            "description": str(raw.get("description") or "")[:2000],
            "current_value": None,
            "target_value": clean_number(raw.get("target_value"), "target_value", required=True),
            "unit": str(raw.get("unit") or "")[:32],
            "direction": clean_direction(raw.get("direction") or "higher_is_better"),
            "priority": clean_priority(raw.get("priority") or "Medium"),
        }
    except ApplicationError as exc:
        raise _ai_error(provider, f"The model proposed an unusable metric ({exc.message}).") from None
    found, errors = mapping_errors(
        framework=raw.get("framework") or None,
        function=raw.get("csf_function") or None,
        category=str(raw.get("csf_category") or ""),
        subcategory=raw.get("subcategory") or None,
    )
    if found is None:
        raise _ai_error(
            provider,
            f"The model mapped the metric to a framework entry that does not exist ({next(iter(errors.values()))}).",
        )
    metric.update(
        framework=found.framework.pk,
        csf_function=found.function.display_name,
        csf_category=found.category.code,
        subcategory=found.subcategory.code if found.subcategory else None,
    )
    return metric


def suggest_metric(
    provider: AssistantProvider, *, prompt: str, function_hint: str | None, framework_id: str | None
) -> dict[str, Any]:
    instruction = (
        "Propose ONE security metric for this request. Answer with JSON only, shaped as "
        '{"metric": {"name", "description", "target_value" (number), "unit", "direction" '
        '("higher_is_better" or "lower_is_better"), "framework" ("csf-2.0" or "ai-rmf-1.0"), "csf_function", '
        '"csf_category" (a code from the list), "subcategory" (optional code), "priority" ("High", "Medium" or "Low")}, '
        '"explanation": "why this metric and target", "confidence": number between 0 and 1}.\n\n'
        f"Request: {prompt}\n"
        + (f"Preferred function: {function_hint}\n" if function_hint else "")
        + f"Categories you may use:\n{_categories_prompt(framework_id)}"
    )
    answer = assistant_complete(provider=provider, system=SYSTEM, prompt=instruction)
    data = parse_json(provider, answer.text)
    confidence = data.get("confidence")
    return {
        "metric": checked_metric(provider, data.get("metric")),
        "explanation": str(data.get("explanation") or "")[:4000],
        "confidence": round(float(confidence), 2)
        if isinstance(confidence, int | float) and 0 <= confidence <= 1
        else None,
        "matched_terms": [],
        "already_in_catalog": False,
    }


def enhance(provider: AssistantProvider, *, items: list[dict[str, Any]], types: list[str]) -> dict[str, Any]:
    instruction = (
        f"Improve each of these security metrics for: {', '.join(types)}. Answer with JSON only, shaped as "
        '{"enhancements": [{"suggested": {only the fields you change, among name, description, target_value, priority, '
        'csf_category}, "reasoning": "one sentence"}]} with exactly one entry per metric, in order.\n\n'
        f"Metrics: {json.dumps(items)[:20000]}"
    )
    answer = assistant_complete(provider=provider, system=SYSTEM, prompt=instruction)
    data = parse_json(provider, answer.text)
    entries = data.get("enhancements")
    if not isinstance(entries, list) or len(entries) != len(items):
        raise _ai_error(provider, "The model did not return one enhancement per metric.")
    enhancements = []
    for item, entry in zip(items, entries, strict=True):
        suggested = entry.get("suggested") if isinstance(entry, dict) else None
        if not isinstance(suggested, dict):
            raise _ai_error(provider, "The model returned an enhancement without suggestions.")
        allowed = {
            k: v
            for k, v in suggested.items()
            if k in ("name", "description", "target_value", "priority", "csf_category")
        }
        try:
            if "target_value" in allowed:
                allowed["target_value"] = clean_number(allowed["target_value"], "target_value", required=True)
            if "priority" in allowed:
                allowed["priority"] = clean_priority(allowed["priority"])
        except ApplicationError as exc:
            raise _ai_error(provider, f"The model suggested an unusable value ({exc.message}).") from None
        changes = [k for k, v in allowed.items() if item.get(k) != v]
        enhancements.append(
            {
                "original": item,
                "suggested": {"name": item.get("name"), **allowed},
                "changes": changes,
                "reasoning": str(entry.get("reasoning") or "")[:2000],
            }
        )
    return {
        "enhancements": enhancements,
        "summary": {
            "total": len(enhancements),
            "enhanced": sum(1 for e in enhancements if e["changes"]),
            "changes": sum(len(e["changes"]) for e in enhancements),
        },
    }


def narrate(provider: AssistantProvider, *, mode: str, prompt: str, facts: dict[str, Any]) -> str:
    task = {
        "explain": "Explain this to a security manager in plain words, using only these facts.",
        "report": "Write a short executive report (markdown) from these facts: overall posture, weakest areas, next steps.",
        "recommendations": "Write a short prioritised action plan from these facts.",
    }[mode]
    instruction = (
        f"{task}\nUser request: {prompt or '(none)'}\nFacts (JSON): {json.dumps(facts, default=str)[:30000]}"
    )
    return assistant_complete(provider=provider, system=SYSTEM, prompt=instruction).text.strip()
