"""The tenancy base every tenant-owned model and view uses.

A tenant-owned model inherits OrganizationScopedModel. Its default manager refuses to run a
query that is not scoped to an organization: scope it with `.for_organization(org)`, reach it
through a related object that was itself scoped, or spell the cross-tenant intent
`.unscoped()` (admin, maintenance commands, cross-tenant aggregates).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models.lookups import Lookup
from django.db.models.sql.where import AND, WhereNode


class UnscopedQueryError(RuntimeError):
    """A tenant-owned model was queried without naming an organization."""


_unscoped_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("unscoped_allowed", default=False)


@contextlib.contextmanager
def dangerously_allow_unscoped() -> Iterator[None]:
    """Lets Django's own cross-tenant checks (global uniqueness) run inside the block."""
    token = _unscoped_allowed.set(True)
    try:
        yield
    finally:
        _unscoped_allowed.reset(token)


def _filters_on_organization(node: WhereNode, model: type[models.Model]) -> bool:
    """True when the top-level AND of the WHERE clause constrains the model's organization column."""
    if not isinstance(node, WhereNode) or node.negated or (node.connector != AND and len(node.children) > 1):
        return False
    for child in node.children:
        if isinstance(child, WhereNode):
            if _filters_on_organization(child, model):
                return True
        elif isinstance(child, Lookup):
            target = getattr(child.lhs, "target", None)
            if (
                target is not None
                and target.model is model._meta.concrete_model
                and target.name == "organization"
            ):
                return True
    return False


class OrganizationScopedQuerySet(models.QuerySet):
    _scope: str | None = None

    def for_organization(self, organization: Any) -> OrganizationScopedQuerySet:
        """Rows of one organization (an Organization or its primary key)."""
        organization_id = getattr(organization, "pk", organization)
        if organization_id is None:
            raise UnscopedQueryError(f"{self.model.__name__}: for_organization() needs an organization.")
        queryset = self.filter(organization_id=organization_id)
        queryset._scope = "organization"
        return queryset

    def unscoped(self) -> OrganizationScopedQuerySet:
        """Rows of every organization. Only for audited cross-tenant places."""
        queryset = self.all()
        queryset._scope = "unscoped"
        return queryset

    def _clone(self):
        clone = super()._clone()
        clone._scope = self._scope
        return clone

    def _guard(self) -> None:
        if _unscoped_allowed.get():
            return
        if self._scope is None and not _filters_on_organization(self.query.where, self.model):
            raise UnscopedQueryError(
                f"{self.model.__name__} is tenant-owned: use .for_organization(org) or, in an "
                "audited cross-tenant place, .unscoped()."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._guard()
        super()._fetch_all()

    def count(self):
        if self._result_cache is None:
            self._guard()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._guard()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._guard()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()

    def iterator(self, chunk_size=None):
        self._guard()
        return super().iterator(chunk_size=chunk_size)


class OrganizationScopedManager(models.Manager.from_queryset(OrganizationScopedQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OrganizationScopedQuerySet:
        queryset = super().get_queryset()
        if getattr(self, "instance", None) is not None:
            # A related manager (`incident.threats`): the parent row was itself reached in scope.
            queryset._scope = "related"
        return queryset


class OrganizationScopedModel(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationScopedManager()

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        # A unique field must be unique across tenants, so this check looks across them;
        # it only learns whether a clashing row exists.
        with dangerously_allow_unscoped():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        with dangerously_allow_unscoped():
            super().validate_constraints(exclude=exclude)
