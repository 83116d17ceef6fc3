"""The dashboard's own writes: none touch domain data (those go through the domain services)."""

from __future__ import annotations

from rest_framework_simplejwt.tokens import AccessToken

from metrics.productivity.models import Dashboard
from metrics.productivity.services.dashboards import dashboard_update
from organizations.models import Membership


def feed_token_issue(*, membership: Membership) -> dict:
    """An access token (claims sub, org, role, like accounts.tokens) for the browser's WebSocket.

    Access tokens only: no refresh token is minted, so nothing outlives the access lifetime."""
    token = AccessToken.for_user(membership.user)
    token["org"] = str(membership.organization_id)
    token["role"] = membership.role
    return {"token": str(token), "expires_in": int(token.lifetime.total_seconds())}


WIDGET_WIDTH, WIDGET_HEIGHT, GRID_COLUMNS = 6, 4, 12


def dashboard_widget_add(
    *, dashboard: Dashboard, user, membership: Membership, widget_type: str, title: str, query: dict
) -> Dashboard:
    """Appends a widget (a fresh id, placed after the others on a 12-column grid) through the
    dashboards service, which checks who may change the dashboard and validates it."""
    layout = list(dashboard.layout or [])
    taken = {str(widget.get("id")) for widget in layout}
    number = len(layout) + 1
    while f"w{number}" in taken:
        number += 1
    index = len(layout)
    widget = {
        "id": f"w{number}",
        "type": widget_type,
        "title": title,
        "query": {name: str(value) if name.endswith("_id") else value for name, value in query.items()},
        "position": {
            "x": (index % (GRID_COLUMNS // WIDGET_WIDTH)) * WIDGET_WIDTH,
            "y": (index // (GRID_COLUMNS // WIDGET_WIDTH)) * WIDGET_HEIGHT,
            "w": WIDGET_WIDTH,
            "h": WIDGET_HEIGHT,
        },
    }
    return dashboard_update(
        dashboard=dashboard, user=user, membership=membership, changes={"layout": [*layout, widget]}
    )


def dashboard_widget_remove(*, dashboard: Dashboard, user, membership: Membership, widget_id: str) -> bool:
    """Removes one widget through the dashboards service; False when the dashboard has no such widget."""
    layout = list(dashboard.layout or [])
    kept = [widget for widget in layout if str(widget.get("id")) != widget_id]
    if len(kept) == len(layout):
        return False
    dashboard_update(dashboard=dashboard, user=user, membership=membership, changes={"layout": kept})
    return True
