"""Demo data for the demo organization (called by accounts' seed_demo): two teams of the demo users,
four weeks of daily productivity metrics and AI-agent runs sent through the real ingestion service,
and an organization dashboard with one widget of each type.

Idempotent: nothing is added when the demo dashboard exists; teams and memberships that exist are
kept, and metrics carry client ids, so a second ingestion of the same day would be duplicates.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from metrics.productivity.models import Dashboard, DashboardScope
from metrics.productivity.services.dashboards import dashboard_create
from metrics.productivity.services.ingest import agents_ingest, productivity_ingest
from organizations.models import Membership, Team, TeamMember, TeamRole
from organizations.services.teams import team_create, team_member_add

DEMO_DASHBOARD = "Engineering overview"
DAYS = 28
# The organization's members are shared out between these teams in turn (the first of each leads it).
TEAMS = {"Platform": "Backend, infrastructure and the API.", "Mobile": "The iOS and Android apps."}
# metric type -> (typical daily value per person, spread)
METRICS = {
    "commits": (6, 3),
    "prs_merged": (1.5, 1),
    "pr_cycle_time_hours": (20, 8),
    "deployments": (0.6, 0.5),
}
AGENTS = ["claude-code", "copilot-agent"]
WIDGETS = [
    ("line", "Commits per day", {"source": "productivity", "metric_type": "commits"}),
    (
        "bar",
        "PRs merged per week",
        {"source": "productivity", "metric_type": "prs_merged", "aggregation": "week"},
    ),
    ("number", "Deployments (30 days)", {"source": "productivity", "metric_type": "deployments"}),
    ("table", "AI agents", {"source": "agents"}),
]


def _teams(organization, admin) -> dict[str, list[str]]:
    """The demo teams with the members shared out between them: {team name: [member emails]}."""
    members = list(
        Membership.objects.for_organization(organization)
        .filter(is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    names = list(TEAMS)
    emails: dict[str, list[str]] = {name: [] for name in names}
    for name, description in TEAMS.items():
        team = Team.objects.for_organization(organization).filter(name=name).first()
        if team is None:
            team = team_create(organization=organization, name=name, description=description, actor=admin)
        chosen = [m for index, m in enumerate(members) if names[index % len(names)] == name]
        for position, membership in enumerate(chosen):
            emails[name].append(membership.user.email)
            in_team = TeamMember.objects.for_organization(organization).filter(
                team=team, user=membership.user
            )
            if not in_team.exists():
                role = TeamRole.LEAD if position == 0 else TeamRole.MEMBER
                team_member_add(team=team, user_id=membership.user_id, role=role, actor=admin)
    return emails


def _metrics(today, teams: dict[str, list[str]]) -> tuple[list[dict], list[dict]]:
    rng = random.Random(2026)  # noqa: S311  (demo figures, not security)
    metrics, runs = [], []
    for offset in range(DAYS, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        stamp = day.replace(hour=17, minute=0, second=0, microsecond=0)
        # Productivity picks up over the four weeks, so the trends have a direction.
        lift = 1 + (DAYS - offset) / (DAYS * 2)
        for emails in teams.values():
            for email in emails:
                for metric_type, (typical, spread) in METRICS.items():
                    cycle = metric_type == "pr_cycle_time_hours"
                    value = max(0.0, rng.gauss(typical / lift if cycle else typical * lift, spread))
                    metrics.append(
                        {
                            "id": f"demo:{email}:{metric_type}:{day:%Y-%m-%d}",
                            "timestamp": stamp.isoformat(),
                            "user": email,
                            "metric_type": metric_type,
                            "value": round(value, 1) if cycle else float(round(value)),
                        }
                    )
                for number in range(rng.randint(1, 3)):
                    runs.append(
                        {
                            "id": f"demo:{email}:agent:{day:%Y-%m-%d}:{number}",
                            "agent_name": rng.choice(AGENTS),
                            "user": email,
                            "session_id": f"demo-{email.split('@')[0]}-{day:%m%d}",
                            "command": rng.choice(
                                ["write tests", "refactor module", "explain failure", "review PR"]
                            ),
                            "execution_time_ms": rng.randint(800, 45_000),
                            "success": rng.random() > 0.12,
                            "tokens_used": rng.randint(2_000, 60_000),
                            "timestamp": (stamp - timedelta(hours=rng.randint(1, 7))).isoformat(),
                        }
                    )
    return metrics, runs


@transaction.atomic
def load(*, organization, admin) -> None:
    if Dashboard.objects.for_organization(organization).filter(name=DEMO_DASHBOARD).exists():
        return
    metrics, runs = _metrics(timezone.now(), _teams(organization, admin))
    for start in range(0, len(metrics), 500):  # a batch holds at most 1000 items
        productivity_ingest(organization=organization, items=metrics[start : start + 500])
    if runs:
        agents_ingest(organization=organization, items=runs)
    membership = Membership.objects.for_organization(organization).get(user=admin)
    dashboard_create(
        organization=organization,
        user=admin,
        membership=membership,
        name=DEMO_DASHBOARD,
        scope=DashboardScope.ORGANIZATION,
        is_default=True,
        layout=[
            {
                "id": f"w{index}",
                "type": widget_type,
                "title": title,
                "query": {"aggregation": "day", "range_days": 30, **query},
                "position": {"x": (index % 2) * 6, "y": (index // 2) * 4, "w": 6, "h": 4},
            }
            for index, (widget_type, title, query) in enumerate(WIDGETS, start=1)
        ],
    )
