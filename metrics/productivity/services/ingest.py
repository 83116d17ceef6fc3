"""Ingestion of productivity metrics and agent executions (REST batches and MCP servers).

Every item is validated on its own: the valid ones are bulk-inserted in one transaction and
the others are reported with their reasons. An item carrying an `id` that the organization
already has (or that appears twice in the batch) is a duplicate: counted, not stored again.
Accepted batches publish `metric_ingested` (organization feed and team rooms) and
`metrics.collected`, and queue alert evaluation and dashboard updates after the commit.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from rest_framework import serializers

import realtime
from config.api.errors import ApplicationError, ErrorCode
from config.tasks import enqueue
from metrics.productivity.models import AgentExecution, BatchSource, MetricBatch, ProductivityMetric
from organizations.models import Membership, Team, TeamMember

AGENT_METRIC_TYPE = "agent_execution"


@dataclass
class IngestResult:
    batch: MetricBatch
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def batch_size_check(items: Any) -> list:
    """A JSON array of at most PRODUCTIVITY_MAX_BATCH_ITEMS items (413 past it)."""
    if not isinstance(items, list):
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "Send a JSON array of items.",
            {"fields": {"non_field_errors": ["Expected a list of items."]}},
        )
    if not items:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "The batch is empty.",
            {"fields": {"non_field_errors": ["Send at least one item."]}},
        )
    limit = settings.PRODUCTIVITY_MAX_BATCH_ITEMS
    if len(items) > limit:
        raise ApplicationError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"A batch holds at most {limit} items; this one has {len(items)}.",
            {"limit": limit, "received": len(items)},
        )
    return items


class _People:
    """Members and teams of one organization, looked up once per batch."""

    def __init__(self, organization, user_refs: set[str], team_ids: set[str]):
        ids, emails = set(), set()
        for ref in user_refs:
            try:
                ids.add(uuid.UUID(ref))
            except ValueError:
                emails.add(ref.lower())
        self.users: dict[str, uuid.UUID] = {}
        if ids or emails:
            from django.db.models import Q

            for user_id, email in (
                Membership.objects.for_organization(organization)
                .filter(is_active=True)
                .filter(Q(user_id__in=ids) | Q(user__email__in=emails))
                .values_list("user_id", "user__email")
            ):
                self.users[str(user_id)] = user_id
                self.users[email.lower()] = user_id
        valid_team_ids = set()
        for ref in team_ids:
            try:
                valid_team_ids.add(uuid.UUID(ref))
            except ValueError:
                continue
        self.teams = {
            str(pk): pk
            for pk in Team.objects.for_organization(organization)
            .filter(pk__in=valid_team_ids)
            .values_list("pk", flat=True)
        }
        teams_of: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for user_id, team_id in (
            TeamMember.objects.for_organization(organization)
            .filter(user_id__in=set(self.users.values()))
            .values_list("user_id", "team_id")
        ):
            teams_of[user_id].append(team_id)
        # A user in exactly one team is counted for that team when the item names none.
        self.only_team = {user: teams[0] for user, teams in teams_of.items() if len(teams) == 1}

    def user(self, ref: str | None) -> uuid.UUID | None:
        return self.users.get(ref.lower() if ref and "@" in ref else str(ref)) if ref else None


def _refs(items: list, key: str) -> set[str]:
    return {str(item[key]).strip() for item in items if isinstance(item, dict) and item.get(key)}


def _publish_batch(organization, batch: MetricBatch, groups: Counter, latest) -> None:
    """metric_ingested per metric type (organization feed) and per (type, team) (team rooms)."""
    per_type: Counter = Counter()
    for (metric_type, _team), count in groups.items():
        per_type[metric_type] += count
    for metric_type, count in sorted(per_type.items()):
        realtime.publish(
            organization,
            "metric_ingested",
            {"metric_type": metric_type, "count": count, "timestamp": latest, "batch_id": str(batch.pk)},
        )
    for (metric_type, team_id), count in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        if team_id is not None:
            realtime.publish(
                organization,
                "metric_ingested",
                {"metric_type": metric_type, "team_id": team_id, "count": count, "timestamp": latest},
                rooms=[f"team:{team_id}"],
            )
    realtime.publish(
        organization, "metrics.collected", {"batch_id": str(batch.pk), "metric_count": batch.accepted}
    )


def _ingest(
    *,
    organization,
    items: list,
    source: str,
    item_serializer: type[serializers.Serializer],
    build: Callable[[dict, _People], tuple[Any, str | None]],
    model,
    api_key=None,
) -> IngestResult:
    items = batch_size_check(items)
    people = _People(
        organization, _refs(items, "user") | _refs(items, "user_identifier"), _refs(items, "team")
    )
    valid: list[tuple[int, dict]] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        checked = item_serializer(data=item)
        if not checked.is_valid():
            errors.append({"index": index, "id": _client_id(item), "reasons": checked.errors})
            continue
        valid.append((index, checked.validated_data))

    client_ids = {data["id"] for _, data in valid if data.get("id")}
    known = set(
        model.objects.for_organization(organization)
        .filter(client_id__in=client_ids)
        .values_list("client_id", flat=True)
    )
    rows, seen, duplicates = [], set(), 0
    groups: Counter = Counter()
    for index, data in valid:
        client_id = data.get("id") or ""
        if client_id and (client_id in known or client_id in seen):
            duplicates += 1
            continue
        row, reason = build(data, people)
        if reason:
            errors.append(
                {"index": index, "id": client_id or None, "reasons": {"non_field_errors": [reason]}}
            )
            continue
        seen.add(client_id)
        row.organization_id = organization.pk
        row.client_id = client_id
        rows.append(row)
        groups[(getattr(row, "metric_type", AGENT_METRIC_TYPE), row.team_id)] += 1

    errors.sort(key=lambda e: e["index"])
    if not rows and not duplicates:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "No item of the batch is valid; nothing was stored.",
            {"rejected": len(errors), "errors": errors},
        )
    with transaction.atomic():
        batch = MetricBatch.objects.create(
            organization=organization,
            source=source,
            accepted=len(rows),
            rejected=len(errors),
            duplicates=duplicates,
            metric_types=sorted({metric_type for metric_type, _ in groups}),
            period_start=min((r.timestamp for r in rows), default=None),
            period_end=max((r.timestamp for r in rows), default=None),
            api_key_prefix=getattr(api_key, "prefix", "") or "",
        )
        for row in rows:
            row.batch = batch
        # ignore_conflicts: a concurrent request with the same client id loses quietly (idempotent).
        model.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        if rows:
            _publish_batch(organization, batch, groups, batch.period_end)
            from metrics.productivity.tasks import process_batch

            enqueue(process_batch, batch_id=str(batch.pk), organization_id=str(organization.pk))
    return IngestResult(batch, len(rows), len(errors), duplicates, errors)


def _client_id(item: Any) -> str | None:
    return str(item.get("id"))[:100] if isinstance(item, dict) and item.get("id") is not None else None


def _user_and_team(data: dict, people: _People, *, user_key: str = "user", strict: bool = True):
    user_ref = data.get(user_key)
    user_id = people.user(user_ref)
    if user_ref and user_id is None and strict:
        return None, None, f"{user_key} {user_ref!r} is not an active member of the organization."
    team_ref = data.get("team")
    if team_ref:
        team_id = people.teams.get(str(team_ref))
    else:
        team_id = people.only_team.get(user_id) if user_id is not None else None
    if team_ref and team_id is None:
        return None, None, f"team {team_ref!s} is not a team of the organization."
    return user_id, team_id, None


def productivity_ingest(*, organization, items: Any, api_key=None) -> IngestResult:
    from metrics.productivity.serializers.ingest import ProductivityMetricInputSerializer

    def build(data: dict, people: _People):
        user_id, team_id, reason = _user_and_team(data, people)
        if reason:
            return None, reason
        row = ProductivityMetric(
            timestamp=data["timestamp"],
            user_id=user_id,
            team_id=team_id,
            metric_type=data["metric_type"],
            value=data["value"],
            metadata=data.get("metadata") or {},
        )
        return row, None

    return _ingest(
        organization=organization,
        items=items,
        source=BatchSource.PRODUCTIVITY,
        item_serializer=ProductivityMetricInputSerializer,
        build=build,
        model=ProductivityMetric,
        api_key=api_key,
    )


def _agent_row(data: dict, user_id, team_id) -> AgentExecution:
    metadata = data.get("metadata") or {}
    return AgentExecution(
        timestamp=data["timestamp"],
        user_id=user_id,
        user_identifier=str(data.get("user_identifier") or data.get("user") or "")[:254],
        team_id=team_id,
        session_id=data.get("session_id") or "",
        agent_name=data["agent_name"],
        command=data.get("command") or "",
        execution_time_ms=data["execution_time_ms"],
        success=data["success"],
        error_details=data.get("error_details") or "",
        tokens_used=data.get("tokens_used", metadata.get("tokens_used")),
        cost_usd=data.get("cost_usd", metadata.get("cost_usd")),
        metadata=metadata,
    )


def agents_ingest(*, organization, items: Any, api_key=None) -> IngestResult:
    """POST metrics/agents: `user` must be a member when given."""
    from metrics.productivity.serializers.ingest import AgentExecutionInputSerializer

    def build(data: dict, people: _People):
        user_id, team_id, reason = _user_and_team(data, people)
        if reason:
            return None, reason
        return _agent_row(data, user_id, team_id), None

    return _ingest(
        organization=organization,
        items=items,
        source=BatchSource.AGENTS,
        item_serializer=AgentExecutionInputSerializer,
        build=build,
        model=AgentExecution,
        api_key=api_key,
    )


def mcp_collect(*, organization, items: Any, api_key) -> IngestResult:
    """POST mcp/metrics/collect: `user_identifier` is kept as sent and linked to a member it names."""
    from metrics.productivity.serializers.ingest import McpCollectInputSerializer

    def build(data: dict, people: _People):
        user_id, team_id, reason = _user_and_team(data, people, user_key="user_identifier", strict=False)
        if reason:
            return None, reason
        return _agent_row(data, user_id, team_id), None

    return _ingest(
        organization=organization,
        items=items,
        source=BatchSource.MCP,
        item_serializer=McpCollectInputSerializer,
        build=build,
        model=AgentExecution,
        api_key=api_key,
    )
