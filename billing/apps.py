from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from organizations.models import Organization
        from organizations.signals import organization_created

        organization_created.connect(
            _start_on_default_plan, sender=Organization, dispatch_uid="billing.start_on_default_plan"
        )


def _start_on_default_plan(sender, organization, **kwargs) -> None:
    """Every new organization gets its subscription, on the free plan, in the creating transaction."""
    from billing.services import subscription_ensure

    subscription_ensure(organization=organization)
