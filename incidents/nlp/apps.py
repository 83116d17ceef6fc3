from django.apps import AppConfig


class NlpConfig(AppConfig):
    name = "incidents.nlp"
    label = "nlp"
    verbose_name = "Incidents: natural language"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents.nlp.receivers import on_incident_saved
        from incidents.signals import incident_saved

        incident_saved.connect(on_incident_saved, dispatch_uid="nlp.index_incident")
