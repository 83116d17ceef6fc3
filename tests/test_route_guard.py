"""Every route that exposes a tenant-owned model must go through the tenancy mixin.

Walks the URL resolver and the model registry, so a view or model added later is
checked without anyone remembering to write a test for it.
"""

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers
from rest_framework.views import APIView

from organizations.models import Organization
from organizations.tenancy import OrganizationScopedModel
from organizations.viewsets import OrganizationScopedMixin

ROOT_PACKAGES = {"organizations", "accounts", "ai", "billing", "realtime", "metrics", "incidents", "scans"}
# Labels of every app under those packages, nested ones too (productivity, response, onboarding, ml, nlp).
PALISADE_APPS = {
    config.label for config in apps.get_app_configs() if config.name.split(".")[0] in ROOT_PACKAGES
}


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def is_tenant_owned(model) -> bool:
    return any(
        isinstance(field, models.ForeignKey)
        and field.name == "organization"
        and field.related_model is Organization
        for field in model._meta.get_fields()
    )


def exposed_models(view_class) -> set:
    found = set()
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        found.add(queryset.model)
    serializer_class = getattr(view_class, "serializer_class", None)
    if isinstance(serializer_class, type) and issubclass(serializer_class, serializers.ModelSerializer):
        found.add(serializer_class.Meta.model)
    return found


def unguarded_routes(urlconf=None) -> list[str]:
    offenders = []
    for route, callback in walk(get_resolver(urlconf).url_patterns):
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if not (isinstance(view_class, type) and issubclass(view_class, APIView)):
            continue
        tenant_models = {m for m in exposed_models(view_class) if is_tenant_owned(m)}
        if tenant_models and not issubclass(view_class, OrganizationScopedMixin):
            offenders.append(
                f"{route} ({view_class.__name__} exposes {sorted(m.__name__ for m in tenant_models)})"
            )
    return offenders


def test_every_route_exposing_a_tenant_model_uses_the_tenant_mixin():
    assert unguarded_routes() == []


def test_every_tenant_owned_model_uses_the_scoped_base():
    offenders = [
        f"{model._meta.label}"
        for model in apps.get_models()
        if model._meta.app_label in PALISADE_APPS
        and is_tenant_owned(model)
        and not issubclass(model, OrganizationScopedModel)
    ]
    assert offenders == []


def test_the_guard_catches_a_leaky_view():
    """The guard itself can fail: a plain DRF view over a tenant model is reported."""
    offenders = unguarded_routes("tests.leaky_urls")
    assert len(offenders) == 1
    assert "LeakyMembershipList" in offenders[0]


@pytest.mark.parametrize("model", [m for m in apps.get_models() if m._meta.app_label in PALISADE_APPS])
def test_models_are_registered_in_the_admin(model):
    from django.contrib import admin

    assert admin.site.is_registered(model), f"{model._meta.label} has no admin page"
