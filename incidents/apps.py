from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import realtime
        from incidents import schema  # noqa: F401  (OpenAPI extension for device HMAC authentication)
        from incidents.threats.events import IncidentPayload, ThreatDetectedPayload

        realtime.register_event_type(
            "threat_detected", schema=ThreatDetectedPayload, description="A detection created a threat."
        )
        realtime.register_event_type(
            "incident_created",
            schema=IncidentPayload,
            description="Threats from a new source opened an incident.",
        )
        realtime.register_event_type(
            "incident_updated", schema=IncidentPayload, description="A threat joined an open incident."
        )
