"""Organization administration: members and invites, teams, API keys, webhooks, AI providers,
plan and usage, audit log. Each action calls the service the API calls, with the API's roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Invite, User
from accounts.services.invites import invite_create, invite_revoke
from ai.models import ProviderConfiguration
from ai.registry import PROVIDERS
from ai.selectors import configurations_of, provider_status
from ai.services import (
    configuration_activate,
    configuration_create,
    configuration_deactivate,
    configuration_delete,
    configuration_validate,
)
from billing import selectors as billing_selectors
from billing.services import subscription_change_plan, subscription_current
from config.api.errors import ApplicationError
from organizations.models import ApiKey, AuditAction, Membership, Role, Team
from organizations.selectors import teams_of
from organizations.services import (
    api_key_create,
    api_key_revoke,
    membership_set_role,
    team_create,
    team_delete,
)
from realtime.models import DeliveryStatus, WebhookSubscription
from realtime.selectors import subscriptions_of, webhook_event_types
from realtime.services.deliveries import webhook_test
from realtime.services.subscriptions import webhook_subscription_create, webhook_subscription_delete
from web import selectors
from web.access import member_required
from web.forms import (
    AiConfigurationForm,
    ApiKeyForm,
    InviteForm,
    RoleForm,
    TeamForm,
    WebhookForm,
    apply_error,
)

PAGE_SIZE = 50


def _scoped_or_404(model, request: HttpRequest, pk) -> Any:
    found = model.objects.for_organization(request.organization).filter(pk=pk).first()  # type: ignore[attr-defined]
    if found is None:
        raise Http404("Not found in this organization.")
    return found


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    """Runs one service call; its refusal is shown to the user, never swallowed."""
    try:
        result = action()
    except ApplicationError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result


# Members and invitations


@require_http_methods(["GET", "POST"])
@member_required()
def members(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    is_admin = membership.has_role(Role.ADMIN)
    form = InviteForm(request.POST or None)
    new_invite_link, status = "", 200
    if request.method == "POST":
        if not is_admin:
            return render(
                request, "web/forbidden.html", {"message": "Only admins invite people."}, status=403
            )
        if form.is_valid():
            try:
                invite, token = invite_create(
                    organization=request.organization,  # type: ignore[attr-defined]
                    actor=cast(User, request.user),
                    request=request,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                apply_error(form, error)
                status = 400
            else:
                new_invite_link = request.build_absolute_uri(f"/register?invite={token}")
                messages.success(request, f"Invitation sent to {invite.email}.")
                form = InviteForm()
        else:
            status = 400
    context = {
        "members": selectors.members_of(organization=request.organization),  # type: ignore[attr-defined]
        "invites": selectors.pending_invites_of(organization=request.organization) if is_admin else [],  # type: ignore[attr-defined]
        "form": form,
        "role_choices": Role.choices,
        "is_admin": is_admin,
        "new_invite_link": new_invite_link,
    }
    return render(request, "web/org/members.html", context, status=status)


@require_POST
@member_required(Role.ADMIN)
def member_role(request: HttpRequest, membership_id) -> HttpResponse:
    target = _scoped_or_404(Membership, request, membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: membership_set_role(
                membership=target, role=form.cleaned_data["role"], actor=request.user, request=request
            ),
            f"{target.user.email} is now {form.cleaned_data['role']}.",
        )
    else:
        messages.error(request, "Choose a role.")
    return redirect("web:members")


@require_POST
@member_required(Role.ADMIN)
def invite_revoke_view(request: HttpRequest, invite_id) -> HttpResponse:
    invite = _scoped_or_404(Invite, request, invite_id)
    _run(
        request,
        lambda: invite_revoke(invite=invite, actor=cast(User, request.user), request=request),
        f"The invitation to {invite.email} is revoked.",
    )
    return redirect("web:members")


# Teams


@require_http_methods(["GET", "POST"])
@member_required()
def teams(request: HttpRequest) -> HttpResponse:
    can_manage = request.membership.has_role(Role.MANAGER)  # type: ignore[attr-defined]
    form = TeamForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            return render(request, "web/forbidden.html", {"message": "Managers create teams."}, status=403)
        if form.is_valid():
            try:
                team = team_create(
                    organization=request.organization,  # type: ignore[attr-defined]
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                apply_error(form, error)
                status = 400
            else:
                messages.success(request, f"Team {team.name} created.")
                return redirect("web:teams")
        else:
            status = 400
    context = {
        "teams": teams_of(organization=request.organization, include_members=True),  # type: ignore[attr-defined]
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "web/org/teams.html", context, status=status)


@require_POST
@member_required(Role.MANAGER)
def team_delete_view(request: HttpRequest, team_id) -> HttpResponse:
    team = _scoped_or_404(Team, request, team_id)
    _run(
        request,
        lambda: team_delete(team=team, actor=request.user, request=request),
        f"Team {team.name} deleted.",
    )
    return redirect("web:teams")


# API keys


@require_http_methods(["GET", "POST"])
@member_required(Role.ADMIN)
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    raw_key, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _key, raw_key = api_key_create(
                    organization=request.organization,  # type: ignore[attr-defined]
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                apply_error(form, error)
                status = 400
            else:
                form = ApiKeyForm()
        else:
            status = 400
    context = {
        "keys": selectors.api_keys_of(organization=request.organization),  # type: ignore[attr-defined]
        "form": form,
        "raw_key": raw_key,
    }
    return render(request, "web/org/api_keys.html", context, status=status)


@require_POST
@member_required(Role.ADMIN)
def api_key_revoke_view(request: HttpRequest, key_id) -> HttpResponse:
    key = _scoped_or_404(ApiKey, request, key_id)
    _run(
        request,
        lambda: api_key_revoke(key=key, actor=request.user, request=request),
        f"Key {key.name} revoked.",
    )
    return redirect("web:api-keys")


# Webhooks


@require_http_methods(["GET", "POST"])
@member_required(Role.ADMIN)
def webhooks(request: HttpRequest) -> HttpResponse:
    event_types = [row["name"] for row in webhook_event_types()]
    form = WebhookForm(request.POST or None, event_types=event_types)
    secret, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                subscription = webhook_subscription_create(
                    organization=request.organization,  # type: ignore[attr-defined]
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                apply_error(form, error)
                status = 400
            else:
                secret = subscription.secret
                form = WebhookForm(event_types=event_types)
        else:
            status = 400
    context = {
        "subscriptions": subscriptions_of(organization=request.organization),  # type: ignore[attr-defined]
        "form": form,
        "secret": secret,
    }
    return render(request, "web/org/webhooks.html", context, status=status)


@require_POST
@member_required(Role.ADMIN)
def webhook_action(request: HttpRequest, subscription_id, action: str) -> HttpResponse:
    subscription = _scoped_or_404(WebhookSubscription, request, subscription_id)
    if action == "delete":
        _run(request, lambda: webhook_subscription_delete(subscription=subscription), "Webhook deleted.")
    elif action == "test":
        delivery = _run(
            request, lambda: webhook_test(subscription=subscription, actor=request.user), "Test event sent."
        )
        if delivery is not None and delivery.status != DeliveryStatus.SUCCEEDED:
            messages.warning(request, f"The endpoint did not accept the test event ({delivery.status}).")
    else:
        raise Http404("Unknown action.")
    return redirect("web:webhooks")


# AI providers


@require_http_methods(["GET", "POST"])
@member_required(Role.EDITOR)
def ai_providers(request: HttpRequest) -> HttpResponse:
    providers = sorted(PROVIDERS.values(), key=lambda p: p.name)
    form = AiConfigurationForm(request.POST or None, providers=providers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                configuration_create(
                    organization=request.organization,  # type: ignore[attr-defined]
                    user=request.user,
                    provider_code=data["provider_code"],
                    model_id=data["model_id"],
                    credentials=form.credentials(),
                )
            except ApplicationError as error:
                apply_error(form, error)
                status = 400
            else:
                messages.success(request, "Configuration saved. Validate it, then activate it.")
                return redirect("web:ai-providers")
        else:
            status = 400
    context = {
        "status": provider_status(organization=request.organization, user=request.user),  # type: ignore[attr-defined]
        "configurations": configurations_of(organization=request.organization, user_id=request.user.pk),  # type: ignore[attr-defined]
        "providers": providers,
        "form": form,
    }
    return render(request, "web/org/ai_providers.html", context, status=status)


@require_POST
@member_required(Role.EDITOR)
def ai_configuration_action(request: HttpRequest, configuration_id, action: str) -> HttpResponse:
    configuration = (
        configurations_of(organization=request.organization, user_id=request.user.pk)  # type: ignore[attr-defined]
        .filter(pk=configuration_id)
        .first()
    )
    if not isinstance(configuration, ProviderConfiguration):
        raise Http404("No such configuration of yours.")
    user = request.user
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "validate": (
            lambda: configuration_validate(configuration=configuration, user=user),
            "Validation finished.",
        ),
        "activate": (lambda: configuration_activate(configuration=configuration, user=user), "Activated."),
        "deactivate": (
            lambda: configuration_deactivate(configuration=configuration, user=user),
            "Deactivated.",
        ),
        "delete": (lambda: configuration_delete(configuration=configuration, user=user), "Deleted."),
    }
    if action not in actions:
        raise Http404("Unknown action.")
    call, success = actions[action]
    result = _run(request, call, success)
    if action == "validate" and isinstance(result, dict) and not result.get("valid"):
        messages.warning(request, str(result.get("message") or "The provider refused these credentials."))
    return redirect("web:ai-providers")


# Plan and usage


@require_http_methods(["GET", "POST"])
@member_required()
def billing(request: HttpRequest) -> HttpResponse:
    is_admin = request.membership.has_role(Role.ADMIN)  # type: ignore[attr-defined]
    if request.method == "POST":
        if not is_admin:
            return render(
                request, "web/forbidden.html", {"message": "Only admins change the plan."}, status=403
            )
        change = _run(
            request,
            lambda: subscription_change_plan(
                organization=request.organization,  # type: ignore[attr-defined]
                new_plan=request.POST.get("plan", ""),
                actor=request.user,
                request=request,
            ),
            "Plan change recorded.",
        )
        if change is not None:
            if change.checkout_url:
                return redirect(change.checkout_url)
            messages.info(request, change.message)
        return redirect("web:billing")
    subscription = subscription_current(organization=request.organization)  # type: ignore[attr-defined]
    context = {
        "summary": billing_selectors.subscription_summary(subscription=subscription),
        "usage": billing_selectors.usage_report(subscription=subscription),
        "plans": billing_selectors.plans_list(),
        "is_admin": is_admin,
    }
    return render(request, "web/org/billing.html", context)


# Audit log


@member_required(Role.ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    events = selectors.audit_events_of(organization=request.organization)  # type: ignore[attr-defined]
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "actions": AuditAction.choices, "action": action}
    return render(request, "web/org/audit.html", context)
