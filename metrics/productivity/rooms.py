"""Who may join `dashboard:<id>`: a member who may see that dashboard."""

import uuid


def may_join_dashboard(user, membership, organization, object_id: str | None) -> bool:
    from metrics.productivity.selectors.dashboards import dashboards_visible_to

    if object_id is None:
        return False
    try:
        dashboard_id = uuid.UUID(object_id)
    except ValueError:
        return False
    return (
        dashboards_visible_to(organization=organization, user=user, membership=membership)
        .filter(pk=dashboard_id)
        .exists()
    )
