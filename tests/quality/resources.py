"""How to create a resource behind each path template, for the probes and the query budgets.

`@resource("/api/v1/teams/{id}")` registers a function that creates one new resource in a
tenant and returns the path parameters that address it. It serves every operation under that
template (`/teams/{id}`, `/teams/{id}/members`, ...), and the list at the template minus its
last parameter (`/teams`) grows by one row per call, which is what the query budgets need.

Apps add their own creators in `tests/<app>/quality_resources.py` (nested apps: `tests/<app>/<sub>/`;
imported automatically),
so a new endpoint is covered by adding one function next to its own tests. An operation with a
path parameter and no creator makes the cross-tenant probe fail, unless UNPROBED names it with
a reason.
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accounts import services as account_services
from organizations import services as org_services
from organizations.models import ApiKeyScope, AuditAction, Membership, Role
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.quality.openapi import Operation


@dataclass
class Tenant:
    """One organization with a member of every role."""

    organization: Any
    members: dict[str, Membership] = field(default_factory=dict)

    @property
    def admin(self) -> Membership:
        return self.members[Role.ADMIN]

    @property
    def viewer(self) -> Membership:
        return self.members[Role.VIEWER]


def make_tenant(name: str) -> Tenant:
    organization = OrganizationFactory(name=f"{name} {next(_serial)}")
    tenant = Tenant(organization)
    for role in Role.values:
        tenant.members[role] = MembershipFactory(organization=organization, role=role)
    return tenant


_serial = itertools.count(1)

Creator = Callable[[Tenant], dict[str, Any]]
RESOURCES: dict[str, Creator] = {}

# Operations with path parameters the cross-tenant probe cannot address, with the reason.
# Public operations (no credentials in their security requirement) are not tenant-owned and are
# reported by the probe without being listed here.
UNPROBED: dict[str, str] = {}

# Unsafe operations a viewer may call, because they act on the caller, not on the organization.
VIEWER_ALLOWED: dict[str, str] = {
    "POST /api/v1/auth/logout": "ends the caller's own sessions",
    "POST /api/v1/auth/change-password": "changes the caller's own password",
    "POST /api/v1/auth/switch-organization": "issues tokens for another of the caller's own memberships",
    "POST /api/v1/auth/invites/accept": "joins another organization with the caller's own account",
    "POST /api/v1/organizations": "anyone signed in may found a new organization and becomes its admin",
    "PUT /api/v1/users/{user_id}": "a person edits their own profile (the probe targets another person: 403)",
}


def resource(template: str) -> Callable[[Creator], Creator]:
    def register(fn: Creator) -> Creator:
        RESOURCES[template] = fn
        return fn

    return register


def creator_for(op: Operation) -> Creator | None:
    """The creator of the longest template the operation's path starts with."""
    segments = op.path.split("/")
    best: tuple[int, Creator] | None = None
    for template, fn in RESOURCES.items():
        parts = template.split("/")
        if segments[: len(parts)] == parts and (best is None or len(parts) > best[0]):
            best = (len(parts), fn)
    return best[1] if best else None


def populator_for(op: Operation) -> Creator | None:
    """For a list operation: the creator whose template is the list path plus one parameter."""
    for template, fn in RESOURCES.items():
        head, _, last = template.rpartition("/")
        if head == op.path and last.startswith("{"):
            return fn
    return None


def _discover() -> None:
    tests_dir = Path(__file__).resolve().parent.parent
    for module in sorted(tests_dir.rglob("quality_resources.py")):
        dotted = ".".join(module.relative_to(tests_dir).with_suffix("").parts)
        importlib.import_module(f"tests.{dotted}")


# ---- organizations --------------------------------------------------------------------------


@resource("/api/v1/organizations/{id}")
def organization(tenant: Tenant) -> dict:
    """Another organization with the same people in the same roles (membership-scoped endpoint)."""
    other = OrganizationFactory()
    for role, membership in tenant.members.items():
        MembershipFactory(organization=other, user=membership.user, role=role)
    return {"id": other.pk}


@resource("/api/v1/teams/{id}")
def team(tenant: Tenant) -> dict:
    # `user_id` names a member who is not in the team yet, for POST /teams/{id}/members.
    return {"id": TeamFactory(organization=tenant.organization).pk, "user_id": _new_member(tenant).user_id}


@resource("/api/v1/teams/{id}/members/{user_id}")
def team_member(tenant: Tenant) -> dict:
    member = TeamMemberFactory(
        team=TeamFactory(organization=tenant.organization), user=_new_member(tenant).user
    )
    return {"id": member.team_id, "user_id": member.user_id}


@resource("/api/v1/api-keys/{id}")
def api_key(tenant: Tenant) -> dict:
    key, _raw = org_services.api_key_create(
        organization=tenant.organization,
        name=f"probe key {next(_serial)}",
        scopes=[ApiKeyScope.READ],
        actor=tenant.admin.user,
    )
    return {"id": key.pk}


@resource("/api/v1/audit-log/{id}")
def audit_event(tenant: Tenant) -> dict:
    event = org_services.audit_record(
        action=AuditAction.TEAM_CREATED, organization=tenant.organization, actor=tenant.admin.user
    )
    return {"id": event.pk}


# ---- accounts -------------------------------------------------------------------------------


def _new_member(tenant: Tenant, role: str = Role.EDITOR) -> Membership:
    return MembershipFactory(organization=tenant.organization, user=UserFactory(), role=role)


@resource("/api/v1/users/{user_id}")
@resource("/api/v1/auth/users/{user_id}")
@resource("/api/v1/auth/reset-password/{user_id}")
def member(tenant: Tenant) -> dict:
    return {"user_id": _new_member(tenant).user_id}


@resource("/api/v1/auth/invites/{id}")
def invite(tenant: Tenant) -> dict:
    created, _token = account_services.invite_create(
        organization=tenant.organization,
        email=f"invitee{next(_serial)}@example.com",
        role=Role.VIEWER,
        actor=tenant.admin.user,
    )
    return {"id": created.pk}


_discover()
