from config.tasks import palisade_task
from organizations.models import Organization


@palisade_task(name="nlp.index_incident", max_retries=3)
def index_incident(*, organization_id: str, incident_id: str) -> int:
    from incidents.nlp.search import incident_index

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    return incident_index(organization=organization, incident_id=incident_id)
