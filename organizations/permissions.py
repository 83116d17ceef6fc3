"""Permissions on the active organization (resolved once per request, by authentication).

People act through their membership's role; machines (API keys) through the key's scopes:
`read` reads like a viewer, `write` writes like an editor. Admin-level actions are never open
to API keys. Endpoints for machines name their scope with `required_api_key_scope`.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from organizations.models import ApiKeyScope, Role


def active_membership(request):
    return getattr(request, "membership", None)


def request_api_key(request):
    return getattr(request, "api_key", None)


class IsOrgMember(BasePermission):
    message = "You are not an active member of an organization."

    def has_permission(self, request, view) -> bool:
        if request_api_key(request) is not None:
            return self.api_key_allows(request, view, request_api_key(request))
        return bool(request.user and request.user.is_authenticated and active_membership(request))

    def api_key_allows(self, request, view, key) -> bool:
        wanted = getattr(view, "required_api_key_scope", None)
        if wanted:
            return wanted in key.scopes
        return request.method in SAFE_METHODS and ApiKeyScope.READ in key.scopes


class _MinimumRole(IsOrgMember):
    minimum_role = Role.VIEWER
    safe_methods_for_viewers = False

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if request_api_key(request) is not None:
            return True
        if self.safe_methods_for_viewers and request.method in SAFE_METHODS:
            return True
        if active_membership(request).has_role(self.minimum_role):
            return True
        self.message = f"This needs the {self.minimum_role} role or higher in the organization."
        return False

    def api_key_allows(self, request, view, key) -> bool:
        if self.minimum_role == Role.ADMIN and not (
            self.safe_methods_for_viewers and request.method in SAFE_METHODS
        ):
            return False
        if getattr(view, "required_api_key_scope", None):
            return view.required_api_key_scope in key.scopes
        if request.method in SAFE_METHODS:
            return ApiKeyScope.READ in key.scopes or ApiKeyScope.WRITE in key.scopes
        return self.minimum_role in (Role.VIEWER, Role.EDITOR) and ApiKeyScope.WRITE in key.scopes


class IsOrgAdmin(_MinimumRole):
    minimum_role = Role.ADMIN


class IsOrgManager(_MinimumRole):
    minimum_role = Role.MANAGER


class IsOrgEditor(_MinimumRole):
    """Every member may read; writing needs editor or above (viewers are read-only)."""

    minimum_role = Role.EDITOR
    safe_methods_for_viewers = True


class IsOrgManagerOrReadOnly(_MinimumRole):
    minimum_role = Role.MANAGER
    safe_methods_for_viewers = True


class IsOrgAdminOrReadOnly(_MinimumRole):
    minimum_role = Role.ADMIN
    safe_methods_for_viewers = True


class IsAuthenticatedUser(BasePermission):
    """A person with a JWT (not an API key), whatever their organization."""

    message = "This needs a signed-in user."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request_api_key(request) is None)
