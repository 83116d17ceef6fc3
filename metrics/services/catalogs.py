"""Catalogs: several per organization, exactly one active; the default one every organization gets."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from config.api.errors import ApplicationError, ErrorCode
from metrics.catalog_template import default_catalog, template_metrics
from metrics.models import Catalog, MetricSource
from metrics.services.metrics import acting_person, metrics_from_templates
from organizations.models import Organization


def _name_taken(organization_id, name: str, *, exclude: Catalog | None = None) -> bool:
    catalogs = Catalog.objects.for_organization(organization_id).filter(name__iexact=name)
    if exclude is not None:
        catalogs = catalogs.exclude(pk=exclude.pk)
    return catalogs.exists()


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "name: May not be blank.", {"fields": {"name": ["May not be blank."]}}
        )
    return name[:200]


@transaction.atomic
def catalog_create(
    *,
    organization: Organization,
    owner,
    name: str,
    description: str = "",
    include_default_metrics: bool = False,
) -> Catalog:
    """A new catalog; the organization's first catalog becomes the active one."""
    name = _clean_name(name)
    if _name_taken(organization.pk, name):
        raise ApplicationError(
            ErrorCode.CONFLICT, f"A catalog named {name!r} already exists.", {"name": name}
        )
    has_active = Catalog.objects.for_organization(organization).filter(is_active=True).exists()
    catalog = Catalog.objects.create(
        organization=organization,
        name=name,
        description=(description or "").strip(),
        owner=acting_person(owner),
        is_active=not has_active,
    )
    if include_default_metrics:
        metrics_from_templates(
            catalog=catalog, templates=template_metrics(), user=owner, source=MetricSource.DEFAULT
        )
    return catalog


@transaction.atomic
def catalog_update(*, catalog: Catalog, name: str | None = None, description: str | None = None) -> Catalog:
    if name is not None:
        name = _clean_name(name)
        if _name_taken(catalog.organization_id, name, exclude=catalog):
            raise ApplicationError(
                ErrorCode.CONFLICT, f"A catalog named {name!r} already exists.", {"name": name}
            )
        catalog.name = name
    if description is not None:
        catalog.description = description.strip()
    catalog.save()
    return catalog


@transaction.atomic
def catalog_delete(*, catalog: Catalog) -> None:
    if catalog.is_active:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            "This is the active catalog; activate another catalog before deleting it.",
            {"catalog_id": str(catalog.pk)},
        )
    catalog.delete()


@transaction.atomic
def catalog_activate(*, catalog: Catalog) -> Catalog:
    Catalog.objects.for_organization(catalog.organization_id).filter(is_active=True).exclude(
        pk=catalog.pk
    ).update(is_active=False)
    if not catalog.is_active:
        catalog.is_active = True
        try:
            with transaction.atomic():
                catalog.save(update_fields=["is_active", "updated_at"])
        except IntegrityError:
            raise ApplicationError(
                ErrorCode.CONFLICT, "Another catalog was activated at the same moment; try again."
            ) from None
    return catalog


@transaction.atomic
def catalog_create_default(*, organization: Organization, owner=None) -> Catalog:
    """The catalog that ships with Palisade, for a new organization. Idempotent: an organization
    that already has its default catalog keeps it unchanged."""
    existing = Catalog.objects.for_organization(organization).filter(is_default=True).first()
    if existing is not None:
        return existing
    template = default_catalog()
    name = template["name"]
    if _name_taken(organization.pk, name):
        name = f"{name} (Palisade)"
    has_active = Catalog.objects.for_organization(organization).filter(is_active=True).exists()
    catalog = Catalog.objects.create(
        organization=organization,
        name=name,
        description=template["description"],
        owner=acting_person(owner),
        is_active=not has_active,
        is_default=True,
    )
    metrics_from_templates(
        catalog=catalog, templates=template_metrics(), user=owner, source=MetricSource.DEFAULT
    )
    return catalog
