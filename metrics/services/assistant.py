"""The assistant's modes behind ai/chat and ai/enhance; every action lands in the AI change log."""

from __future__ import annotations

from typing import Any

from ai.models import AIAction
from ai.services import AssistantProvider, ai_change_record, assistant_provider_for
from config.api.errors import ApplicationError, ErrorCode
from metrics.assistant import facts as assistant_facts
from metrics.assistant import local, narrative, remote
from metrics.models import Catalog, MetricSource
from metrics.selectors.catalogs import active_catalog, active_catalog_or_error
from metrics.selectors.frameworks import framework_param
from metrics.services.metrics import existing_names, metric_create

MODES = ("metrics", "explain", "report", "recommendations", "enhance")
RESPONSE_TYPES = {
    "metrics": "metric_suggestion",
    "explain": "explanation",
    "report": "report",
    "recommendations": "recommendations",
    "enhance": "enhancement",
}
MAX_ITEMS = 50


def clean_enhance_request(items: Any, types: Any) -> tuple[list[dict[str, Any]], list[str]]:
    if not isinstance(items, list) or not items or len(items) > MAX_ITEMS:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"catalog_items must be a list of 1 to {MAX_ITEMS} metrics.",
            {"fields": {"catalog_items": ["Expected a non-empty list."]}},
        )
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not (
            str(item.get("name") or "").strip() or str(item.get("description") or "").strip()
        ):
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR,
                f"catalog_items[{index}] needs at least a name or a description.",
                {"fields": {f"catalog_items.{index}": ["Give a name or a description."]}},
            )
    types = list(types or local.ENHANCEMENT_TYPES)
    unknown = [t for t in types if t not in local.ENHANCEMENT_TYPES]
    if unknown or not all(isinstance(t, str) for t in types):
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown enhancement types: {', '.join(map(str, unknown))}.",
            {"fields": {"enhancement_types": [f"Choose from {', '.join(local.ENHANCEMENT_TYPES)}."]}},
        )
    return items, types


def _enhance(provider: AssistantProvider, items, types) -> dict[str, Any]:
    return (
        local.enhance(items, types)
        if provider.is_local
        else remote.enhance(provider, items=items, types=types)
    )


def _suggest(
    provider: AssistantProvider, *, organization, catalog: Catalog | None, prompt: str, context: dict
) -> dict[str, Any]:
    if not (prompt or "").strip():
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "prompt: Say what the metric should measure.",
            {"fields": {"prompt": ["Required in metrics mode."]}},
        )
    framework = framework_param(context.get("framework"), default=None)
    framework_id = framework.pk if framework else None
    if provider.is_local:
        return local.suggest_metric(
            prompt=prompt,
            function_hint=context.get("function"),
            framework_id=framework_id,
            existing_names=existing_names(catalog) if catalog else set(),
        )
    return remote.suggest_metric(
        provider, prompt=prompt, function_hint=context.get("function"), framework_id=framework_id
    )


def _narrative(
    provider: AssistantProvider, mode: str, prompt: str, facts: dict[str, Any], fallback: str
) -> str:
    return fallback if provider.is_local else remote.narrate(provider, mode=mode, prompt=prompt, facts=facts)


def _answer(
    *, provider, organization, user, mode, prompt, context, create
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """(content, change-log action, change-log result) for one chat request."""
    if mode == "metrics":
        catalog = active_catalog(organization=organization)
        if create and catalog is None:
            catalog = active_catalog_or_error(organization=organization)
        content = _suggest(
            provider, organization=organization, catalog=catalog, prompt=prompt, context=context
        )
        if not create:
            return (
                content,
                AIAction.METRIC_SUGGESTED,
                {"metric": content["metric"]["name"], "csf_category": content["metric"]["csf_category"]},
            )
        proposal = content["metric"]
        assert catalog is not None
        metric = metric_create(
            organization=organization,
            catalog=catalog,
            user=user,
            name=proposal["name"],
            description=proposal["description"],
            target_value=proposal["target_value"],
            unit=proposal["unit"],
            direction=proposal["direction"],
            priority=proposal["priority"],
            framework=proposal["framework"],
            csf_category=proposal["csf_category"],
            subcategory=proposal.get("subcategory"),
            source=MetricSource.AI,
        )
        content["created_metric"] = {
            "id": str(metric.pk),
            "metric_number": metric.metric_number,
            "catalog_id": str(catalog.pk),
        }
        return (
            content,
            AIAction.METRIC_CREATED,
            {"metric_id": str(metric.pk), "metric_number": metric.metric_number},
        )
    catalog = active_catalog_or_error(organization=organization)
    if mode == "explain":
        facts = assistant_facts.explain_target(
            organization=organization, catalog=catalog, prompt=prompt, context=context
        )
        text = _narrative(provider, mode, prompt, facts, narrative.explain_text(facts))
        return (
            {"subject": facts["kind"], "facts": facts, "text": text},
            AIAction.CHAT,
            {"subject": facts["kind"]},
        )
    if mode == "report":
        facts = assistant_facts.catalog_report(organization=organization, catalog=catalog)
        text = _narrative(provider, mode, prompt, facts, narrative.report_text(facts))
        return {"report": facts, "text": text}, AIAction.CHAT, {"catalog_id": str(catalog.pk)}
    if mode == "recommendations":
        facts = assistant_facts.catalog_recommendation_facts(organization=organization, catalog=catalog)
        recommendations = narrative.recommendations(facts)
        fallback = f"{local.DISCLOSURE}: " + (
            " ".join(f"{i}. {r['title']}." for i, r in enumerate(recommendations, start=1))
            or "every metric meets its target."
        )
        text = _narrative(provider, mode, prompt, {"recommendations": recommendations}, fallback)
        return (
            {"recommendations": recommendations, "text": text},
            AIAction.CHAT,
            {"count": len(recommendations)},
        )
    # enhance: the items in context, or the metric named by context.metric_id
    items = context.get("catalog_items")
    if items is None and context.get("metric_id"):
        target = assistant_facts.explain_target(
            organization=organization, catalog=catalog, prompt="", context={"metric_id": context["metric_id"]}
        )
        summary = target["metric"]
        items = [
            {
                k: summary[k]
                for k in (
                    "name",
                    "description",
                    "target_value",
                    "unit",
                    "direction",
                    "priority",
                    "csf_category",
                )
            }
        ]
    items, types = clean_enhance_request(items, context.get("enhancement_types"))
    content = _enhance(provider, items, types)
    return content, AIAction.METRICS_ENHANCED, {"summary": content["summary"]}


def assistant_chat(
    *,
    organization,
    user,
    mode: str,
    prompt: str = "",
    context: dict[str, Any] | None = None,
    create: bool = False,
) -> dict[str, Any]:
    if mode not in MODES:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown mode {mode!r}.",
            {"fields": {"mode": [f"Choose from {', '.join(MODES)}."]}},
        )
    context = context or {}
    provider = assistant_provider_for(organization=organization, user=user)
    try:
        content, action, result = _answer(
            provider=provider,
            organization=organization,
            user=user,
            mode=mode,
            prompt=prompt,
            context=context,
            create=create,
        )
    except ApplicationError as exc:
        if exc.code == ErrorCode.AI_ERROR:
            ai_change_record(
                organization=organization,
                user=user,
                action=AIAction.PROVIDER_FAILED,
                mode=mode,
                prompt=prompt,
                result={"error": exc.message},
                provider_code=provider.code,
                model_id=provider.model,
            )
        raise
    ai_change_record(
        organization=organization,
        user=user,
        action=action,
        mode=mode,
        prompt=prompt,
        result=result,
        provider_code=provider.code,
        model_id=provider.model,
    )
    return {
        "mode": mode,
        "response_type": RESPONSE_TYPES[mode],
        "content": content,
        "provider": {"code": provider.code, "model": provider.model, "is_local": provider.is_local},
    }


def assistant_enhance(*, organization, user, catalog_items: Any, enhancement_types: Any) -> dict[str, Any]:
    items, types = clean_enhance_request(catalog_items, enhancement_types)
    provider = assistant_provider_for(organization=organization, user=user)
    try:
        content = _enhance(provider, items, types)
    except ApplicationError as exc:
        if exc.code == ErrorCode.AI_ERROR:
            ai_change_record(
                organization=organization,
                user=user,
                action=AIAction.PROVIDER_FAILED,
                mode="enhance",
                result={"error": exc.message},
                provider_code=provider.code,
                model_id=provider.model,
            )
        raise
    ai_change_record(
        organization=organization,
        user=user,
        action=AIAction.METRICS_ENHANCED,
        mode="enhance",
        prompt=", ".join(str(i.get("name") or "") for i in items)[:2000],
        result={"summary": content["summary"], "enhancement_types": types},
        provider_code=provider.code,
        model_id=provider.model,
    )
    return {
        **content,
        "provider": {"code": provider.code, "model": provider.model, "is_local": provider.is_local},
    }
