"""The local provider's prose: explanations, reports and recommendations written from the facts
in metrics.assistant.facts by templates (offline, deterministic, and saying so)."""

from __future__ import annotations

from typing import Any

from metrics.assistant.local import DISCLOSURE
from metrics.catalog_template import template_metrics


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    number = f"{value:g}"
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()


def explain_text(facts: dict[str, Any]) -> str:
    if facts["kind"] == "metric":
        m = facts["metric"]
        lines = [
            f"{m['metric_number']} {m['name']}: {m['description']}",
            f"It belongs to {facts['framework_name']} {m['csf_function']} > {m['csf_category']} {m['category_name'] if m['category_name'] != m['csf_category'] else ''}".rstrip()
            + f" — “{facts['category_description'].rstrip('.')}”.",
        ]
        if facts.get("subcategory_description"):
            lines.append(f"Subcategory {m['subcategory']}: “{facts['subcategory_description'].rstrip('.')}”.")
        direction = "higher is better" if m["direction"] == "higher_is_better" else "lower is better"
        lines.append(
            f"Now {_fmt(m['current_value'], m['unit'])} against a target of {_fmt(m['target_value'], m['unit'])} ({direction})."
        )
        if m["score"] is not None:
            lines.append(f"Score {m['score']} ({m['rating']} risk). {facts['scoring_rule']}")
            if m["gap"]:
                lines.append(f"Closing the gap of {_fmt(m['gap'], m['unit'])} would bring it to 100.")
        else:
            lines.append(facts["scoring_rule"])
        history = facts["history"]
        if history["points"] > 1:
            lines.append(
                f"{history['points']} values recorded, from {history['first']['value']:g} to {history['last']['value']:g}."
            )
        return f"{DISCLOSURE}. " + " ".join(lines)
    if facts["kind"] == "category":
        c, s = facts["category"], facts["score"]
        score = (
            f"scores {s['score']} ({s['rating']} risk) over {s['scored_count']} measured metric(s)"
            if s["score"] is not None
            else "has no measured metric yet"
        )
        subs = "; ".join(f"{x['code']}: {x['description'].rstrip('.')}" for x in facts["subcategories"][:6])
        return (
            f"{DISCLOSURE}. {c['code']} ({facts['framework_name']}, {facts['function']['name']}): {c['description'].rstrip('.')}. "
            f"In your catalog it {score}. Its outcomes: {subs}."
        )
    f = facts["function"]
    weakest = sorted((c for c in facts["categories"] if c["score"] is not None), key=lambda c: c["score"])[:3]
    weak = ", ".join(f"{c['code']} {c['score']}" for c in weakest) or "none measured"
    score = (
        f"scores {f['score']} ({f['rating']} risk)"
        if f.get("score") is not None
        else "has no measured metric yet"
    )
    return (
        f"{DISCLOSURE}. {f['code']} {f['name']} ({facts['framework_name']}): {f['description'].rstrip('.')}. "
        f"It {score}; weakest categories: {weak}; {len(facts['metrics_below_target'])} metric(s) below target."
    )


def report_text(facts: dict[str, Any]) -> str:
    lines = [f"# Security metrics report — {facts['catalog']['name']}", "", f"_{DISCLOSURE}._", ""]
    for fw in facts["frameworks"]:
        overall = (
            f"{fw['overall_score']} ({fw['overall_rating']} risk, trend {fw['overall_trend']})"
            if fw["overall_score"] is not None
            else "not yet measured"
        )
        lines.append(f"## {fw['framework']['name']}: {overall}")
        for f in fw["functions"]:
            value = (
                f"{f['score']} — {f['rating']} risk, {f['trend']}"
                if f["score"] is not None
                else "not measured"
            )
            lines.append(
                f"- {f['code']} {f['name']}: {value} ({f['scored_count']}/{f['metric_count']} measured)"
            )
        lines.append("")
    lines.append(
        f"{facts['meeting_target']} metric(s) meet their target, {facts['below_target']} are below it and {facts['unmeasured']} have no value yet."
    )
    if facts["top_gaps"]:
        lines += ["", "## Largest gaps"]
        lines += [
            f"- {g['metric_number']} {g['name']} ({g['priority']}): {_fmt(g['current_value'], g['unit'])} vs target {_fmt(g['target_value'], g['unit'])}, score {g['score']}"
            for g in facts["top_gaps"]
        ]
    return "\n".join(lines)


def recommendations(facts: dict[str, Any], limit: int = 10) -> list[dict[str, Any]]:
    recs: list[dict[str, Any]] = []
    for m in facts["below_target"][:5]:
        recs.append(
            {
                "kind": "close_gap",
                "priority": m["priority"],
                "title": f"Bring {m['metric_number']} {m['name']} to target",
                "detail": f"It is at {_fmt(m['current_value'], m['unit'])} against {_fmt(m['target_value'], m['unit'])} (score {m['score']}, {m['rating']} risk).",
                "metric_id": m["id"],
                "category": m["csf_category"],
            }
        )
    for m in facts["unmeasured"][:3]:
        recs.append(
            {
                "kind": "measure",
                "priority": m["priority"],
                "title": f"Record a value for {m['metric_number']} {m['name']}",
                "detail": "Unmeasured metrics are left out of every score, so the function scores rest on fewer data points.",
                "metric_id": m["id"],
                "category": m["csf_category"],
            }
        )
    for m in facts["stale"][:3]:
        recs.append(
            {
                "kind": "refresh",
                "priority": "Low",
                "title": f"Refresh {m['metric_number']} {m['name']}",
                "detail": f"Its last value is older than {facts['window_days']} days, so its trend cannot be judged.",
                "metric_id": m["id"],
                "category": m["csf_category"],
            }
        )
    for c in facts["uncovered_categories"][:3]:
        example = next(
            (t["name"] for t in template_metrics(c["framework"]) if t["category"] == c["code"]), None
        )
        recs.append(
            {
                "kind": "coverage",
                "priority": "Medium",
                "title": f"Cover {c['code']} {c['name'] if c['name'] != c['code'] else ''}".rstrip(),
                "detail": "No metric in the catalog maps to this category"
                + (f"; for example add “{example}”." if example else "."),
                "metric_id": None,
                "category": c["code"],
            }
        )
    order = {"High": 0, "Medium": 1, "Low": 2}
    recs.sort(
        key=lambda r: (
            order.get(r["priority"], 3),
            ["close_gap", "measure", "coverage", "refresh"].index(r["kind"]),
        )
    )
    return recs[:limit]
