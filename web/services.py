"""The dashboard's own writes: none touch domain data (those go through the domain services)."""

from __future__ import annotations

from rest_framework_simplejwt.tokens import AccessToken

from organizations.models import Membership


def feed_token_issue(*, membership: Membership) -> dict:
    """An access token (claims sub, org, role, like accounts.tokens) for the browser's WebSocket.

    Access tokens only: no refresh token is minted, so nothing outlives the access lifetime."""
    token = AccessToken.for_user(membership.user)
    token["org"] = str(membership.organization_id)
    token["role"] = membership.role
    return {"token": str(token), "expires_in": int(token.lifetime.total_seconds())}
