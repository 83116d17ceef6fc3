"""JWT authentication that also resolves the active organization, once per request."""

from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings

from config.api.errors import TokenExpired
from organizations.selectors import membership_for


def set_active_organization(request, membership) -> None:
    """Puts the membership and its organization on the DRF request and the Django request under it."""
    organization = membership.organization if membership else None
    for target in (request, getattr(request, "_request", None)):
        if target is not None:
            target.membership = membership
            target.organization = organization


def resolve_membership(request, user, claimed_org: str | None):
    """X-Organization wins over the token's `org` claim; either must name one of the user's memberships."""
    requested = request.headers.get("X-Organization") or claimed_org
    membership = membership_for(user=user, organization_ref=requested)
    if requested and membership is None:
        raise PermissionDenied(f"You are not a member of organization {requested!r}.")
    if membership is not None and not membership.is_active:
        raise PermissionDenied("Your membership of this organization has been deactivated.")
    return membership


class OrganizationJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        # Tell an expired token (TOKEN_EXPIRED: refresh it) from a bad one (UNAUTHORIZED).
        for token_class in api_settings.AUTH_TOKEN_CLASSES:
            try:
                return token_class(raw_token)
            except ExpiredTokenError:
                raise TokenExpired() from None
            except TokenError:
                continue
        raise AuthenticationFailed("The access token is invalid.", code="token_not_valid")

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        set_active_organization(request, resolve_membership(request, user, token.get("org")))
        return user, token
