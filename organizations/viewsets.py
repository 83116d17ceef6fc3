"""OrganizationScopedViewSet: the one base for every view of tenant-owned rows.

It owns get_queryset, get_object and perform_create, so a subclass only declares
`queryset`, serializers and permissions: another organization's row is a 404, and the
organization of a new row comes from the request, never from the client.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from organizations.permissions import IsOrgEditor

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass

_OWNED = ("get_queryset", "get_object", "perform_create", "perform_update")


class OrganizationScopedMixin:
    permission_classes: "Sequence[_PermissionClass]" = [IsOrgEditor]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        overridden = [name for name in _OWNED if name in cls.__dict__]
        if overridden:
            raise ImproperlyConfigured(
                f"{cls.__name__} overrides {', '.join(overridden)}; tenant views declare `queryset` and "
                "customise through scope_queryset() instead."
            )
        # DRF's mixins come first in a viewset's bases and would shadow ours: pin ours.
        cls.get_queryset = OrganizationScopedMixin.get_queryset
        cls.perform_create = OrganizationScopedMixin.perform_create
        cls.perform_update = OrganizationScopedMixin.perform_update

    @property
    def organization(self):
        organization = getattr(self.request, "organization", None)
        if organization is None:
            raise PermissionDenied("No active organization: pass X-Organization or log in to one.")
        return organization

    def scope_queryset(self, queryset):
        """Hook for per-action narrowing (annotations, filters); the organization is already applied."""
        return queryset

    def get_queryset(self):
        queryset = super().get_queryset().for_organization(self.organization)
        return self.scope_queryset(queryset)

    def perform_create(self, serializer):
        serializer.save(organization=self.organization)

    def perform_update(self, serializer):
        serializer.save(organization=self.organization)


class OrganizationScopedViewSet(OrganizationScopedMixin, viewsets.GenericViewSet):
    """Add the list/retrieve/create/update/destroy mixins a resource needs."""
