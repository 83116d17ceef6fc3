"""Room kinds realtime knows itself: `team:<id>` and `alerts`. Domain apps add theirs (`dashboard`)."""

import uuid

from organizations.models import Team
from realtime.registry import register_room


def may_join_team(user, membership, organization, object_id: str | None) -> bool:
    """Any member may follow a team of their own organization (teams are visible to every member)."""
    if object_id is None:
        return False
    try:
        team_id = uuid.UUID(object_id)
    except ValueError:
        return False
    return Team.objects.for_organization(organization).filter(pk=team_id).exists()


def may_join_alerts(user, membership, organization, object_id: str | None) -> bool:
    """The organization's alert feed: every member, and only as the bare room `alerts`."""
    return object_id is None


def register_builtin_rooms() -> None:
    register_room("team", may_join_team)
    register_room("alerts", may_join_alerts)
