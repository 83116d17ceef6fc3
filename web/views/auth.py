"""Sign up, sign in, sign out, password recovery, accepting an invitation, switching organization.

Each view parses a form and calls the accounts/organizations service the API calls; the session
(CSRF-protected) is the browser's credential.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as session_login
from django.contrib.auth import logout as session_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services.invites import invite_accept, invite_for_token
from accounts.services.passwords import recover_with_key, recover_with_questions, recovery_questions_for
from accounts.services.registration import user_register
from accounts.services.sessions import login as service_login
from config.api.errors import ApplicationError
from organizations.selectors import membership_for
from web.access import SESSION_ORGANIZATION, active_membership, remember_organization
from web.forms import RecoverWithKeyForm, RecoverWithQuestionsForm, SignInForm, SignUpForm, apply_error

SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request: HttpRequest, default: str = "web:posture") -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = service_login(
                login=form.cleaned_data["login"], password=form.cleaned_data["password"], request=request
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            session_login(request, session.user, backend=SESSION_BACKEND)
            if session.membership is not None:
                remember_organization(request, session.membership)
            return redirect(_next_url(request))
    return render(
        request,
        "web/auth/sign_in.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Self-registration (a new organization), or joining one with `?invite=<token>` (invite_url)."""
    token = (request.POST.get("invite_token") or request.GET.get("invite") or "").strip()
    invite, invite_error = None, ""
    if token:
        try:
            invite = invite_for_token(token)
        except ApplicationError as error:
            invite_error = error.message
    initial = {"invite_token": token, "email": invite.email if invite else ""}
    form = SignUpForm(request.POST or None, initial=initial)
    recovery_key = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = user_register(
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                organization_name=data["organization_name"],
                invite_token=data["invite_token"],
                request=request,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            session_login(request, registration.user, backend=SESSION_BACKEND)
            remember_organization(request, registration.membership)
            recovery_key = registration.recovery_key
            if recovery_key is None:
                messages.success(request, f"Welcome to {registration.membership.organization.name}.")
                return redirect("web:posture")
    context = {"form": form, "invite": invite, "invite_error": invite_error, "recovery_key": recovery_key}
    return render(request, "web/auth/sign_up.html", context, status=_status(form))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session_logout(request)
    messages.info(request, "You are signed out.")
    return redirect("web:login")


@require_http_methods(["GET", "POST"])
def recover(request: HttpRequest) -> HttpResponse:
    """Password recovery with the one-time recovery key, or with the two security questions."""
    method = request.POST.get("method") or ("questions" if request.GET.get("email") else "key")
    key_form = RecoverWithKeyForm(request.POST if method == "key" and request.method == "POST" else None)
    email = (request.POST.get("email") or request.GET.get("email") or "").strip()
    questions = recovery_questions_for(email) if email else None
    questions_form = RecoverWithQuestionsForm(
        request.POST if method == "questions" and request.method == "POST" else None,
        initial={"email": email},
    )
    new_key = None
    if request.method == "POST":
        try:
            if method == "key" and key_form.is_valid():
                new_key = recover_with_key(request=request, **key_form.cleaned_data)
            elif method == "questions" and questions_form.is_valid():
                recover_with_questions(request=request, **questions_form.cleaned_data)
                messages.success(request, "Your password has been changed. Sign in with it.")
                return redirect("web:login")
        except ApplicationError as error:
            apply_error(key_form if method == "key" else questions_form, error)
    context = {
        "key_form": key_form,
        "questions_form": questions_form,
        "questions": questions,
        "email": email,
        "new_key": new_key,
    }
    invalid = request.method == "POST" and new_key is None
    return render(request, "web/auth/recover.html", context, status=400 if invalid else 200)


@require_http_methods(["GET", "POST"])
def accept_invite(request: HttpRequest) -> HttpResponse:
    """A signed-in person accepts an invitation; others are sent to sign up with it."""
    token = (request.POST.get("invite") or request.GET.get("invite") or "").strip()
    if not request.user.is_authenticated:
        return redirect(f"/register?invite={token}" if token else "/register")
    invite, error_message = None, ""
    try:
        invite = invite_for_token(token)
    except ApplicationError as error:
        error_message = error.message
    if request.method == "POST" and invite is not None:
        try:
            membership = invite_accept(token=token, user=request.user, request=request)
        except ApplicationError as error:
            error_message = error.message
        else:
            remember_organization(request, membership)
            messages.success(request, f"You joined {membership.organization.name} as {membership.role}.")
            return redirect("web:posture")
    context = {
        "invite": invite,
        "token": token,
        "error": error_message,
        "membership": active_membership(request),
    }
    return render(request, "web/auth/accept_invite.html", context, status=400 if error_message else 200)


@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("web:login")
    membership = membership_for(user=request.user, organization_ref=request.POST.get("organization") or None)
    if membership is None or not membership.is_active:
        messages.error(request, "You are not an active member of that organization.")
    else:
        request.session[SESSION_ORGANIZATION] = str(membership.organization_id)
        messages.success(request, f"Now working in {membership.organization.name}.")
    return redirect(_next_url(request))


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:posture")
    return render(request, "web/home.html")


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200
