"""Demo mode: anonymous visitors try the catalog and the assistant on sample data.

Sessions and the metrics visitors create live in their own tables, apart from every organization,
and end: an unstarted session lapses after DEMO_SESSION_START_HOURS, a started one after
DEMO_SESSION_HOURS (24). The assistant runs only the local provider here, and only on predefined
starters and refinements, never on free text; each framework allows DEMO_AI_METRICS_PER_FRAMEWORK
(2) AI-created metrics per session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from config.api.errors import ApplicationError, ErrorCode
from metrics.assistant import local
from metrics.catalog_template import sample_value, template_metrics
from metrics.models import DemoMetric, DemoSession, FrameworkCategory
from metrics.scoring import metric_score, rating

DEMO_FRAMEWORKS = {"csf_2_0": "csf-2.0", "ai_rmf": "ai-rmf-1.0"}
QUOTA_FIELDS = {"csf_2_0": "csf_metrics", "ai_rmf": "ai_rmf_metrics"}

STARTERS: dict[str, dict[str, str]] = {
    "csf-mfa": {
        "framework": "csf_2_0",
        "title": "Track MFA adoption",
        "prompt": "Measure multi-factor authentication adoption across user accounts",
    },
    "csf-patching": {
        "framework": "csf_2_0",
        "title": "Patch compliance",
        "prompt": "Track patch compliance for critical and high vulnerabilities",
    },
    "csf-phishing": {
        "framework": "csf_2_0",
        "title": "Phishing resilience",
        "prompt": "Measure how many staff click phishing simulation links",
    },
    "csf-backup": {
        "framework": "csf_2_0",
        "title": "Backup recovery",
        "prompt": "Check that backup restore tests succeed",
    },
    "csf-incident-response": {
        "framework": "csf_2_0",
        "title": "Incident containment",
        "prompt": "How quickly we contain confirmed incidents",
    },
    "ai-rmf-inventory": {
        "framework": "ai_rmf",
        "title": "AI inventory",
        "prompt": "Keep an inventory of every AI system and model in use with an owner",
    },
    "ai-rmf-bias": {
        "framework": "ai_rmf",
        "title": "Fairness",
        "prompt": "Measure fairness disparity between demographic groups",
    },
    "ai-rmf-red-team": {
        "framework": "ai_rmf",
        "title": "Adversarial testing",
        "prompt": "Test our AI models against adversarial prompt injection",
    },
    "ai-rmf-monitoring": {
        "framework": "ai_rmf",
        "title": "Post-deployment monitoring",
        "prompt": "Monitor production AI systems after deployment for drift and feedback",
    },
}
REFINEMENTS: dict[str, str] = {
    "adjust-target-higher": "Raise the target value",
    "adjust-target-lower": "Lower the target value",
    "set-priority-high": "Make it High priority",
    "set-priority-low": "Make it Low priority",
}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_expired(session: DemoSession, now=None) -> bool:
    now = now or timezone.now()
    if session.demo_expires_at is not None:
        return now >= session.demo_expires_at
    return now >= session.start_deadline


def demo_sessions_purge() -> int:
    """Deletes every expired session and, with it, the metrics it created."""
    now = timezone.now()
    deleted, _ = DemoSession.objects.filter(
        Q(demo_expires_at__lte=now) | Q(demo_expires_at__isnull=True, start_deadline__lte=now)
    ).delete()
    return deleted


def demo_framework(reference: str | None, *, required: bool = True) -> str | None:
    if not reference and not required:
        return None
    key = (reference or "").strip().lower().replace("-", "_").replace(".", "_")
    key = {"csf": "csf_2_0", "csf_2": "csf_2_0", "ai_rmf_1_0": "ai_rmf"}.get(key, key)
    if key not in DEMO_FRAMEWORKS:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "framework must be csf_2_0 or ai_rmf.",
            {"fields": {"framework": ["Use csf_2_0 or ai_rmf."]}},
        )
    return key


@transaction.atomic
def demo_session_create(*, email: str) -> tuple[DemoSession, str]:
    """A new session (or a fresh token for the email's live one: quotas are not reset by asking again)."""
    demo_sessions_purge()
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    live = next(
        (
            s
            for s in DemoSession.objects.select_for_update().filter(email__iexact=email.strip())
            if not session_expired(s, now)
        ),
        None,
    )
    if live is not None:
        live.token_digest = _digest(token)
        live.save(update_fields=["token_digest"])
        return live, token
    session = DemoSession.objects.create(
        token_digest=_digest(token),
        email=email.strip().lower(),
        start_deadline=now + timedelta(hours=settings.DEMO_SESSION_START_HOURS),
    )
    return session, token


def demo_session_for(token: str | None, *, require_started: bool = True) -> DemoSession:
    if not token:
        raise ApplicationError(
            ErrorCode.UNAUTHORIZED, "Send the demo session id in the X-Demo-Session header."
        )
    session = DemoSession.objects.filter(token_digest=_digest(token.strip())).first()
    if session is None:
        raise ApplicationError(
            ErrorCode.UNAUTHORIZED, "Unknown demo session; create one with POST /api/v1/demo/session."
        )
    if session_expired(session):
        raise ApplicationError(
            ErrorCode.FORBIDDEN,
            "This demo session has expired; start a new one or sign up.",
            {
                "expired": True,
                "demo_expires_at": session.demo_expires_at.isoformat() if session.demo_expires_at else None,
            },
        )
    if require_started and session.demo_started_at is None:
        raise ApplicationError(
            ErrorCode.FORBIDDEN, "Start the demo first: POST /api/v1/demo/session/{session_id}/start."
        )
    return session


@transaction.atomic
def demo_session_start(*, token: str, video_skipped: bool = False) -> DemoSession:
    session = demo_session_for(token, require_started=False)
    session = DemoSession.objects.select_for_update().get(pk=session.pk)
    if session.demo_started_at is None:
        now = timezone.now()
        session.demo_started_at = now
        session.demo_expires_at = now + timedelta(hours=settings.DEMO_SESSION_HOURS)
        session.video_skipped = bool(video_skipped)
        session.save(update_fields=["demo_started_at", "demo_expires_at", "video_skipped"])
    return session


def demo_quota(session: DemoSession) -> dict[str, Any]:
    created = dict(
        DemoMetric.objects.filter(session=session)
        .values_list("framework_id")
        .annotate(n=Count("id"))
        .values_list("framework_id", "n")
    )
    maximum = settings.DEMO_AI_METRICS_PER_FRAMEWORK
    quota: dict[str, Any] = {}
    for key, field in QUOTA_FIELDS.items():
        used = created.get(DEMO_FRAMEWORKS[key], 0)
        quota[f"{field}_created"] = used
        quota[f"{field}_max"] = maximum
        quota[f"{field}_remaining"] = max(0, maximum - used)
    return quota


def demo_session_view(session: DemoSession, *, token: str | None = None) -> dict[str, Any]:
    return {
        "id": session.pk,
        "session_id": token,
        "email": session.email,
        "video_skipped": session.video_skipped,
        "demo_started_at": session.demo_started_at,
        "demo_expires_at": session.demo_expires_at,
        "expired": session_expired(session),
        "quotas": demo_quota(session),
    }


def _demo_metric_row(**fields: Any) -> dict[str, Any]:
    score = metric_score(fields["current_value"], fields["target_value"], fields["direction"])
    return {**fields, "score": score, "rating": rating(score)}


def demo_metrics(*, session: DemoSession, framework: str) -> dict[str, Any]:
    """One sample metric per category of the framework, then the metrics this visitor created."""
    framework_id = DEMO_FRAMEWORKS[framework]
    categories = {
        c.code: c
        for c in FrameworkCategory.objects.filter(framework_id=framework_id).select_related("function")
    }
    seen: set[str] = set()
    rows = []
    for template in template_metrics(framework_id):
        if template["category"] in seen:
            continue
        seen.add(template["category"])
        category = categories[template["category"]]
        rows.append(
            _demo_metric_row(
                id=None,
                name=template["name"],
                description=template["description"],
                current_value=sample_value(template, salt="demo"),
                target_value=template["target_value"],
                unit=template["unit"],
                direction=template["direction"],
                priority=template["priority"],
                csf_function=category.function.display_name,
                csf_category=category.code,
                source="sample",
            )
        )
    for metric in DemoMetric.objects.filter(session=session, framework_id=framework_id).select_related(
        "category__function"
    ):
        rows.append(
            _demo_metric_row(
                id=str(metric.pk),
                name=metric.name,
                description=metric.description,
                current_value=metric.current_value,
                target_value=metric.target_value,
                unit=metric.unit,
                direction=metric.direction,
                priority=metric.priority,
                csf_function=metric.category.function.display_name,
                csf_category=metric.category.code,
                source="ai",
            )
        )
    return {"framework": framework, "metrics": rows, "total": len(rows), "category_count": len(categories)}


def demo_chat_status(*, session: DemoSession, framework: str | None) -> dict[str, Any]:
    quota = demo_quota(session)
    starters = [
        {"id": key, "framework": s["framework"], "title": s["title"], "prompt": s["prompt"]}
        for key, s in STARTERS.items()
        if framework is None or s["framework"] == framework
    ]
    remaining = {key: quota[f"{field}_remaining"] for key, field in QUOTA_FIELDS.items()}
    return {
        "available": any(remaining[s["framework"]] > 0 for s in starters),
        "provider": "local",
        "starters": starters,
        "refinements": [{"id": key, "label": label} for key, label in REFINEMENTS.items()],
        "quota": quota,
        "expires_at": session.demo_expires_at,
    }


def _refine(metric: dict[str, Any], refinement_id: str | None) -> dict[str, Any]:
    target = float(metric["target_value"])
    if refinement_id == "adjust-target-higher":
        target = target * 1.1 if target else 1.0
        metric["target_value"] = round(min(target, 100.0) if metric["unit"] == "%" else target, 1)
    elif refinement_id == "adjust-target-lower":
        metric["target_value"] = round(max(target * 0.9, 0.0), 1)
    elif refinement_id == "set-priority-high":
        metric["priority"] = "High"
    elif refinement_id == "set-priority-low":
        metric["priority"] = "Low"
    return metric


@transaction.atomic
def demo_guided_chat(
    *, session: DemoSession, starter_id: str, framework: str, refinement_id: str | None = None
) -> dict[str, Any]:
    """Creates the starter's metric (refined if asked) in the visitor's demo catalog, within quota."""
    problems = {}
    starter = STARTERS.get(starter_id or "")
    if starter is None:
        problems["starter_id"] = [f"Choose one of: {', '.join(STARTERS)}."]
    elif starter["framework"] != framework:
        problems["starter_id"] = [f"{starter_id} is a {starter['framework']} starter, not {framework}."]
    if refinement_id and refinement_id not in REFINEMENTS:
        problems["refinement_id"] = [f"Choose one of: {', '.join(REFINEMENTS)}."]
    if problems:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "Demo chat accepts only the predefined starter and refinement ids.",
            {"fields": problems},
        )
    assert starter is not None
    session = DemoSession.objects.select_for_update().get(
        pk=session.pk
    )  # one quota check at a time per session
    field = QUOTA_FIELDS[framework]
    quota = demo_quota(session)
    if quota[f"{field}_remaining"] <= 0:
        raise ApplicationError(
            ErrorCode.FORBIDDEN,
            f"Demo quota reached: {quota[f'{field}_max']} AI-created metrics per framework.",
            {"quota": quota, "framework": framework},
        )
    framework_id = DEMO_FRAMEWORKS[framework]
    suggestion = local.suggest_metric(prompt=starter["prompt"], framework_id=framework_id)
    metric = _refine(dict(suggestion["metric"]), refinement_id)
    category = FrameworkCategory.objects.select_related("function").get(
        framework_id=framework_id, code=metric["csf_category"]
    )
    created = DemoMetric.objects.create(
        session=session,
        framework_id=framework_id,
        category=category,
        name=metric["name"],
        description=metric["description"],
        current_value=None,
        target_value=metric["target_value"],
        unit=metric["unit"],
        direction=metric["direction"],
        priority=metric["priority"],
        starter_id=starter_id,
        refinement_id=refinement_id or "",
    )
    return {
        "response_type": "metric_suggestion",
        "content": {
            "metric": {**metric, "id": str(created.pk)},
            "explanation": suggestion["explanation"]
            + (f" Refined: {REFINEMENTS[refinement_id]}." if refinement_id else ""),
            "confidence": suggestion["confidence"],
        },
        "starter_id": starter_id,
        "refinement_id": refinement_id,
        "quota": demo_quota(session),
    }
