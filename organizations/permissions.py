"""Role-based permissions on the active organization (resolved once, by authentication)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from organizations.models import Role


def active_membership(request):
    return getattr(request, "membership", None)


class IsOrgMember(BasePermission):
    message = "You are not a member of an active organization."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and active_membership(request))


class _MinimumRole(IsOrgMember):
    minimum_role = Role.VIEWER
    safe_methods_for_viewers = False

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if self.safe_methods_for_viewers and request.method in SAFE_METHODS:
            return True
        if active_membership(request).has_role(self.minimum_role):
            return True
        self.message = f"This needs the {self.minimum_role} role or higher in the organization."
        return False


class IsOrgAdmin(_MinimumRole):
    minimum_role = Role.ADMIN


class IsOrgManager(_MinimumRole):
    minimum_role = Role.MANAGER


class IsOrgEditor(_MinimumRole):
    """Every member may read; writing needs editor or above (viewers are read-only)."""

    minimum_role = Role.EDITOR
    safe_methods_for_viewers = True


class IsOrgAdminOrReadOnly(_MinimumRole):
    minimum_role = Role.ADMIN
    safe_methods_for_viewers = True
