"""Writes of the organizations domain: organizations, members, teams, API keys, the audit log."""

from organizations.services.api_keys import api_key_authenticate, api_key_create, api_key_revoke
from organizations.services.audit import audit_record, request_origin
from organizations.services.members import (
    membership_create,
    membership_remove,
    membership_set_active,
    membership_set_role,
)
from organizations.services.organizations import organization_create, organization_update
from organizations.services.teams import (
    team_create,
    team_delete,
    team_member_add,
    team_member_remove,
    team_update,
)

__all__ = [
    "api_key_authenticate",
    "api_key_create",
    "api_key_revoke",
    "audit_record",
    "membership_create",
    "membership_remove",
    "membership_set_active",
    "membership_set_role",
    "organization_create",
    "organization_update",
    "request_origin",
    "team_create",
    "team_delete",
    "team_member_add",
    "team_member_remove",
    "team_update",
]
