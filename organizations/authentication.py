"""X-API-Key authentication: machines act for one organization, within the key's scopes."""

from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from organizations.services import api_key_authenticate


class ApiKeyUser(AnonymousUser):
    """The principal of a request made with an API key: authenticated, but nobody in particular."""

    def __init__(self, key):
        self.api_key = key

    @property
    def is_authenticated(self):
        return True

    @property
    def pk(self):  # rate-limit counters and logs key on it: one per key, never shared
        return f"api-key:{self.api_key.prefix}"

    id = pk

    def __str__(self) -> str:
        return f"api-key:{self.api_key.prefix}"


class ApiKeyAuthentication(BaseAuthentication):
    header = "X-API-Key"

    def authenticate(self, request):
        raw = request.headers.get(self.header)
        if not raw:
            return None
        key = api_key_authenticate(raw.strip())
        if key is None:
            raise AuthenticationFailed("The API key is invalid, revoked or expired.")
        for target in (request, getattr(request, "_request", None)):
            if target is not None:
                target.organization = key.organization
                target.membership = None
                target.api_key = key
        return ApiKeyUser(key), key

    def authenticate_header(self, request):
        return self.header
