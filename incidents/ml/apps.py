from django.apps import AppConfig


class MlConfig(AppConfig):
    name = "incidents.ml"
    label = "ml"
    verbose_name = "Incidents: machine learning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents.extensions import register_incident_section
        from incidents.ml.receivers import incident_ml_section, on_incident_saved
        from incidents.signals import incident_saved

        incident_saved.connect(on_incident_saved, dispatch_uid="ml.score_incident")
        register_incident_section("ml", incident_ml_section)
