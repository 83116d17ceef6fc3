"""Who is looking at a page, and in which organization.

The browser signs in with a Django session (CSRF-protected forms). The active organization is kept
in the session and re-checked against the user's memberships on every request, the way the API
checks the JWT `org` claim, so a revoked membership stops working at the next click.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from organizations.models import Membership, Role
from organizations.selectors import membership_for, organizations_of

SESSION_ORGANIZATION = "palisade_organization"


def active_membership(request: HttpRequest) -> Membership | None:
    """The membership the session points at, else the user's oldest active one."""
    if not request.user.is_authenticated:
        return None
    wanted = request.session.get(SESSION_ORGANIZATION)
    membership = membership_for(user=request.user, organization_ref=wanted) if wanted else None
    if membership is None or not membership.is_active:
        membership = membership_for(user=request.user, organization_ref=None)
    if membership is not None:
        request.session[SESSION_ORGANIZATION] = str(membership.organization_id)
    return membership


def remember_organization(request: HttpRequest, membership: Membership) -> None:
    request.session[SESSION_ORGANIZATION] = str(membership.organization_id)


def member_required(minimum_role: str = Role.VIEWER) -> Callable:
    """A page for signed-in members: sets request.membership / request.organization like the API
    does. Anonymous visitors go to the sign-in page; a role below `minimum_role` is a 403."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url="web:login")
            membership = active_membership(request)
            if membership is None:
                return forbidden(request, "You are not an active member of an organization.")
            if not membership.has_role(minimum_role):
                return forbidden(request, f"This page needs the {minimum_role} role or higher.")
            request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            request.organization = membership.organization  # type: ignore[attr-defined]
            request.web_organizations = organizations_of(user=request.user)  # type: ignore[attr-defined]  # the switcher
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "web/forbidden.html", {"message": message}, status=403)
