from django.apps import AppConfig


class ResponseConfig(AppConfig):
    name = "incidents.response"
    label = "response"
    verbose_name = "Response and automation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents.response import receivers

        receivers.connect()
