from django.apps import AppConfig


class ProductivityConfig(AppConfig):
    name = "metrics.productivity"
    label = "productivity"
    verbose_name = "Engineering productivity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import realtime
        from metrics.productivity.rooms import may_join_dashboard

        # `metric_ingested`, `dashboard_update`, `alert_triggered`, `metrics.collected` and
        # `alert.triggered` are registered by realtime with seed C's payloads; the dashboard room is ours.
        realtime.register_room("dashboard", may_join_dashboard)
