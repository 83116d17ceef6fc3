from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from organizations.signals import organization_created

        organization_created.connect(give_default_catalog, dispatch_uid="metrics.default_catalog")


def give_default_catalog(sender, organization, owner=None, **kwargs):
    """New organizations start with the catalog that ships with Palisade (inside their creating transaction)."""
    from metrics.services.catalogs import catalog_create_default

    catalog_create_default(organization=organization, owner=owner)
