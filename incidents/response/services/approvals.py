"""Approval that works outside the console: one-time signed approve/reject links, by email and webhook.

When a workflow needs approval, every manager and admin of the organization with an email address
gets two links of their own (approve, reject), signed with django.core.signing's TimestampSigner.
A link names its approver, expires with the request (RESPONSE_APPROVAL_TIMEOUT_SECONDS, after
which the expiry policy decides, see workflows.approval_expire) and is used once: answering
through either of an approver's links spends both (the row records when, and the comment). The
links go out by email (Django's email backend) and in the `approval_required` event's payload
(sockets and webhook subscriptions).

GET on a link only describes what POST would do; POST decides, as the named approver.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

import realtime
from config.api.errors import ApplicationError, ErrorCode
from incidents.response.models import (
    ApprovalLink,
    ApprovalStatus,
    ApprovalVia,
    LinkDecision,
    Workflow,
)
from organizations.models import Membership, Role

APPROVER_ROLES = (Role.MANAGER, Role.ADMIN)
LINK_PATH = "/api/v1/response/approvals/"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=settings.RESPONSE_APPROVAL_LINK_SALT)


def link_token(link: ApprovalLink) -> str:
    return _signer().sign(str(link.pk))


def link_url(link: ApprovalLink) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{LINK_PATH}{link_token(link)}"


def _approvers(organization_id) -> list[Any]:
    return [
        membership.user
        for membership in Membership.objects.for_organization(organization_id)
        .filter(role__in=APPROVER_ROLES, is_active=True)
        .select_related("user")
        .order_by("user__email")
        if membership.user.email and membership.user.is_active
    ]


def approval_links_create(*, workflow: Workflow) -> list[dict[str, Any]]:
    """An approve and a reject link for each approver; [{approver, approve_url, reject_url, expires_at}]."""
    expires_at = workflow.approval_expires_at or timezone.now()
    rows = []
    for user in _approvers(workflow.organization_id):
        links = {
            decision: ApprovalLink.objects.create(
                organization_id=workflow.organization_id,
                workflow=workflow,
                approver=user,
                decision=decision,
                expires_at=expires_at,
            )
            for decision in LinkDecision.values
        }
        rows.append(
            {
                "approver": user.email,
                "approve_url": link_url(links[LinkDecision.APPROVE]),
                "reject_url": link_url(links[LinkDecision.REJECT]),
                "expires_at": expires_at.isoformat(),
            }
        )
    return rows


def approval_request_send(*, workflow: Workflow) -> list[dict[str, Any]]:
    """Create the links, publish approval_required with them, and email each approver theirs."""
    from incidents.response.services.workflows import _event

    links = approval_links_create(workflow=workflow)
    realtime.publish(
        workflow.organization,
        "approval_required",
        {
            **_event(workflow),
            "expires_at": workflow.approval_expires_at,
            "required_approvals": workflow.required_approvals,
            "approval_links": links,
        },
    )
    steps = "\n".join(
        f"  {step.order}. {step.action} {step.params}" for step in workflow.steps.order_by("order")
    )
    subject = f"[Palisade] Approval needed: {workflow.human_id} {workflow.name}"[:200]
    messages = []
    for row in links:
        body = (
            f"{workflow.human_id} ({workflow.name}) waits for your approval.\n\nSteps:\n{steps}\n\n"
            + (
                f"It touches {workflow.blast_radius} hosts: a second, different approver is needed.\n\n"
                if workflow.required_approvals > 1
                else ""
            )
            + f"Approve: {row['approve_url']}\nReject:  {row['reject_url']}\n\n"
            f"Each link works once, for you only, until {row['expires_at']} (then the request is "
            f"{'approved' if settings.RESPONSE_APPROVAL_EXPIRY_POLICY == 'approve' else 'denied'})."
        )
        messages.append((row["approver"], body))

    def deliver() -> None:
        for recipient, body in messages:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=True)

    transaction.on_commit(deliver)
    return links


def _link_for(token: str) -> ApprovalLink:
    try:
        link_id = _signer().unsign(token, max_age=settings.RESPONSE_APPROVAL_TIMEOUT_SECONDS)
    except signing.SignatureExpired:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "This approval link has expired; the request was decided by its expiry policy.",
            {"reason": "expired"},
        ) from None
    except signing.BadSignature:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such approval link.") from None
    link = (
        ApprovalLink.objects.unscoped()
        .select_related("workflow", "workflow__organization", "approver")
        .filter(pk=link_id)
        .first()
    )
    if link is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such approval link.")
    return link


def _refusal(link: ApprovalLink) -> ApplicationError | None:
    workflow = link.workflow
    if link.used_at is not None:
        return ApplicationError(
            ErrorCode.CONFLICT,
            f"This link was already used on {link.used_at:%Y-%m-%d %H:%M} UTC; links work once.",
            {"reason": "used", "used_at": link.used_at.isoformat()},
        )
    if link.expires_at <= timezone.now() or workflow.approval_status == ApprovalStatus.EXPIRED:
        return ApplicationError(
            ErrorCode.CONFLICT,
            "This approval link has expired; the request was decided by its expiry policy.",
            {"reason": "expired", "expired_at": link.expires_at.isoformat()},
        )
    if workflow.approval_status != ApprovalStatus.PENDING:
        return ApplicationError(
            ErrorCode.CONFLICT,
            f"{workflow.human_id} is no longer waiting for approval ({workflow.approval_status}).",
            {"reason": "decided", "approval_status": workflow.approval_status},
        )
    still_approver = Membership.objects.for_organization(workflow.organization_id).filter(
        user=link.approver, role__in=APPROVER_ROLES, is_active=True
    )
    if not still_approver.exists():
        return ApplicationError(
            ErrorCode.FORBIDDEN,
            f"{link.approver.email} is no longer a manager or admin of the organization.",
            {"reason": "not_an_approver"},
        )
    return None


def link_describe(*, token: str) -> dict[str, Any]:
    """What POST on the link would do (no state changes), or why it would be refused."""
    link = _link_for(token)
    refusal = _refusal(link)
    workflow = link.workflow
    return {
        "playbook_id": workflow.human_id,
        "workflow_id": workflow.pk,
        "name": workflow.name,
        "decision": link.decision,
        "approver": link.approver.email,
        "usable": refusal is None,
        "refusal": refusal.message if refusal else "",
        "expires_at": link.expires_at,
        "required_approvals": workflow.required_approvals,
        "blast_radius": workflow.blast_radius,
        "steps": [
            {"order": step.order, "action": step.action, "params": step.params}
            for step in workflow.steps.order_by("order")
        ],
    }


def link_use(*, token: str, comment: str = "") -> Workflow:
    """Decide as the link's approver; the approver's links for this request are spent."""
    from incidents.response.services.workflows import playbook_approve

    with transaction.atomic():
        link = _link_for(token)
        locked = (
            ApprovalLink.objects.for_organization(link.organization_id).select_for_update().get(pk=link.pk)
        )
        link.used_at = locked.used_at
        refusal = _refusal(link)
        if refusal is not None:
            raise refusal
        now = timezone.now()
        ApprovalLink.objects.for_organization(link.organization_id).filter(
            workflow=link.workflow, approver=link.approver, used_at__isnull=True
        ).update(used_at=now, updated_at=now)
        locked.comment = comment
        locked.save(update_fields=["comment", "updated_at"])
        return playbook_approve(
            workflow=link.workflow,
            approved=link.decision == LinkDecision.APPROVE,
            comment=comment,
            actor=link.approver,
            via=ApprovalVia.LINK,
        )
