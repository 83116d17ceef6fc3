"""WebSocket authentication: a JWT in the query string (`?token=`) or Authorization header.

Consumers that accept the token as their first message (seed D) authenticate it themselves
with `user_for_token`; this middleware only handles what arrives with the handshake.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from organizations.selectors import membership_for


def user_for_token(raw_token: str):
    """(user, membership) for a valid access token, else (AnonymousUser, None)."""
    from django.contrib.auth import get_user_model

    try:
        # The stubs type the argument as a Token; simplejwt takes the encoded string too.
        token = AccessToken(raw_token)  # type: ignore[arg-type]
    except TokenError:
        return AnonymousUser(), None
    user = get_user_model().objects.filter(pk=token.get("sub"), is_active=True).first()
    if user is None:
        return AnonymousUser(), None
    return user, membership_for(user=user, organization_ref=token.get("org"))


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        raw = _token_from_scope(scope)
        if raw:
            user, membership = await database_sync_to_async(user_for_token)(raw)
        else:
            user, membership = AnonymousUser(), None
        scope["user"] = user
        scope["membership"] = membership
        scope["organization_id"] = str(membership.organization_id) if membership else None
        return await super().__call__(scope, receive, send)


def _token_from_scope(scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode())
    if query.get("token"):
        return query["token"][0]
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value.lower().startswith(b"bearer "):
            return value[7:].decode()
    return None
