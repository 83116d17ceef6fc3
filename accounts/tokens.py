"""JWTs with the claims DESIGN.md names: sub (user id), org (active organization), role."""

from rest_framework_simplejwt.tokens import RefreshToken

from organizations.models import Membership


def tokens_for(*, user, membership: Membership | None) -> dict:
    refresh = RefreshToken.for_user(user)
    if membership is not None:
        refresh["org"] = str(membership.organization_id)
        refresh["role"] = membership.role
    access = refresh.access_token
    return {
        "access_token": str(access),
        "refresh_token": str(refresh),
        "token_type": "bearer",
        "expires_in": int(access.lifetime.total_seconds()),
    }
