from django.apps import AppConfig


class ScansConfig(AppConfig):
    name = "scans"
    verbose_name = "Scans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import realtime
        from scans.events import ScanCompletedPayload, SecretExposedPayload

        # `alert_triggered` is registered by realtime with the seeds' payload; ours fits it.
        realtime.register_event_type(
            "scan_completed", schema=ScanCompletedPayload, description="A code, prompt or PII scan finished."
        )
        realtime.register_event_type(
            "secret_exposed",
            schema=SecretExposedPayload,
            description="A scan found a new hard-coded secret (redacted); it needs rotating.",
        )
