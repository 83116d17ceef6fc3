from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "incidents.onboarding"
    label = "onboarding"
    verbose_name = "Onboarding and agent enrollment"
    default_auto_field = "django.db.models.BigAutoField"
