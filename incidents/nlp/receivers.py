"""Index an incident and its threats for semantic search whenever the incident is written."""

from config.tasks import enqueue


def on_incident_saved(sender, *, organization, incident, created: bool = False, **kwargs) -> None:
    from incidents.nlp.tasks import index_incident

    enqueue(index_incident, organization_id=str(organization.pk), incident_id=str(incident.pk))
