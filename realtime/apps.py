from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from realtime.event_types import register_seed_event_types
        from realtime.rooms import register_builtin_rooms

        register_seed_event_types()
        register_builtin_rooms()
