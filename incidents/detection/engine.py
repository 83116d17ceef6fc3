"""The in-process detection engine: a compiled rule set evaluated over normalised events.

Pure Python, no database: the Celery task, POST detect, backtests and the benchmark all drive it.
Correlation windows live in a CorrelationState; the detection service seeds it with earlier hits
from the database so a window spans batches and processes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from incidents.detection.sigma import CompiledCorrelation, CompiledRule, RuleError

TOP_LEVEL = (
    "timestamp",
    "source_type",
    "src_ip",
    "src_port",
    "dst_ip",
    "dst_port",
    "user",
    "action",
    "outcome",
    "message",
    "raw",
)


class FlatEvent(dict):
    """An event as rules see it: `fields` merged under the top-level schema, raw text lowered lazily."""

    def __missing__(self, key: str) -> Any:
        if key == "_raw_lower":
            value = str(self.get("raw") or "").lower()
            self[key] = value
            return value
        raise KeyError(key)


def flatten(event: dict[str, Any]) -> FlatEvent:
    flat = FlatEvent(event.get("fields") or {})
    for key in TOP_LEVEL:
        value = event.get(key)
        if value is not None and value != "":
            flat[key] = value
    return flat


@dataclass
class Hit:
    rule: CompiledRule
    index: int


@dataclass
class Fire:
    correlation: CompiledCorrelation
    group_key: str
    group: dict[str, str]
    indexes: list[int]
    first_ts: datetime
    last_ts: datetime
    count: int


@dataclass
class Evaluation:
    hits: list[Hit] = field(default_factory=list)
    fires: list[Fire] = field(default_factory=list)
    # Hits of rules that feed a correlation: (correlation, group_key, group, rule_name, value, weight, index, ts)
    feeds: list[tuple] = field(default_factory=list)
    suppressed: dict[str, int] = field(default_factory=dict)


Entry = tuple[float, str, str, int, int | None]  # (epoch, rule name, value, weight, event index or None)


class Window:
    """The hits of one correlation for one group within its timespan, with running aggregates."""

    __slots__ = ("entries", "names", "times", "values", "weight")

    def __init__(self) -> None:
        self.entries: deque[Entry] = deque()
        self.weight = 0
        self.values: dict[str, int] = {}
        self.names: dict[str, int] = {}
        self.times: dict[str, deque[float]] = {}

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self.weight += entry[3]
        if entry[2]:
            self.values[entry[2]] = self.values.get(entry[2], 0) + 1
        self.names[entry[1]] = self.names.get(entry[1], 0) + 1
        self.times.setdefault(entry[1], deque()).append(entry[0])

    def trim(self, horizon: float) -> None:
        entries = self.entries
        while entries and entries[0][0] < horizon:
            _, name, value, weight, _ = entries.popleft()
            self.weight -= weight
            if value:
                self.values[value] -= 1
                if not self.values[value]:
                    del self.values[value]
            self.names[name] -= 1
            self.times[name].popleft()
            if not self.names[name]:
                del self.names[name]
                del self.times[name]


class CorrelationState:
    def __init__(self) -> None:
        self.windows: dict[tuple[str, str], Window] = {}

    def seed(self, correlation_id: str, group_key: str, entries: Iterable[Entry]) -> None:
        window = self.windows.setdefault((correlation_id, group_key), Window())
        for entry in sorted(entries):
            window.add(entry)


def _measure(correlation: CompiledCorrelation, window: Window) -> int:
    if correlation.type == "event_count":
        return window.weight
    if correlation.type == "value_count":
        return len(window.values)
    if correlation.type == "temporal":
        return len(window.names.keys() & set(correlation.rule_names))
    # temporal_ordered: how many of the referenced rules occur in order (earliest possible each time)
    position, after = 0, float("-inf")
    for name in correlation.rule_names:
        times = window.times.get(name)
        if not times or times[-1] < after:
            break
        after = times[bisect_left(times, after)]
        position += 1
    return position


def _satisfied(correlation: CompiledCorrelation, measure: int) -> bool:
    if correlation.type in ("temporal", "temporal_ordered"):
        return measure >= len(correlation.rule_names)
    if correlation.operator == "gt":
        return measure > correlation.count
    if correlation.operator == "eq":
        return measure == correlation.count
    return measure >= correlation.count


class RuleSet:
    def __init__(self, rules: list[CompiledRule], correlations: list[CompiledCorrelation]):
        self.rules = rules
        self.correlations = correlations
        by_ref: dict[str, CompiledRule | CompiledCorrelation] = {}
        every: list[CompiledRule | CompiledCorrelation] = [*rules, *correlations]
        for rule in every:
            by_ref[rule.sigma_id] = rule
            if rule.name:
                by_ref[rule.name] = rule
        self.feeds: dict[str, list[CompiledCorrelation]] = {}
        self._generating: set[str] = set()
        for correlation in correlations:
            names = []
            for ref in correlation.rule_refs:
                referenced = by_ref.get(ref)
                if referenced is None:
                    raise RuleError([f"correlation {correlation.title!r} refers to unknown rule {ref!r}"])
                if referenced is correlation:
                    raise RuleError([f"correlation {correlation.title!r} refers to itself"])
                names.append(referenced.name or referenced.sigma_id)
                self.feeds.setdefault(referenced.sigma_id, []).append(correlation)
                if correlation.generate:
                    self._generating.add(referenced.sigma_id)
            correlation.rule_names = names
        self._by_source: dict[str, list[CompiledRule]] = {}

    def rules_for(self, source_type: str) -> list[CompiledRule]:
        found = self._by_source.get(source_type)
        if found is None:
            found = [r for r in self.rules if r.source_types is None or source_type in r.source_types]
            self._by_source[source_type] = found
        return found

    def generates(self, rule: CompiledRule) -> bool:
        """Sigma's default: a rule referenced by a correlation only feeds it, unless a referencing
        correlation says `generate: true`. Correlations always generate."""
        return rule.sigma_id not in self.feeds or rule.sigma_id in self._generating

    def match(self, event: FlatEvent) -> list[CompiledRule]:
        return [rule for rule in self.rules_for(event.get("source_type", "")) if rule.match(event)]

    def evaluate(
        self,
        events: list[dict[str, Any]],
        state: CorrelationState | None = None,
        suppress: Callable[[Any, FlatEvent], bool] | None = None,
    ) -> Evaluation:
        state = state or CorrelationState()
        result = Evaluation()
        flats = [flatten(event) for event in events]
        order = sorted(range(len(flats)), key=lambda i: flats[i]["timestamp"])
        open_fires: dict[tuple[str, str], Fire] = {}
        for index in order:
            event = flats[index]
            for rule in self.rules_for(event.get("source_type", "")):
                if not rule.match(event):
                    continue
                if suppress is not None and suppress(rule, event):
                    result.suppressed[rule.sigma_id] = result.suppressed.get(rule.sigma_id, 0) + 1
                    continue
                result.hits.append(Hit(rule, index))
                for correlation in self.feeds.get(rule.sigma_id, ()):
                    self._feed(correlation, rule, event, index, state, result, open_fires, suppress)
        result.fires = list(open_fires.values())
        return result

    def _feed(self, correlation, rule, event, index, state, result, open_fires, suppress, depth=0) -> None:
        group_by = correlation.group_by
        if len(group_by) == 1:
            value_of_group = event.get(group_by[0])
            if value_of_group is None or value_of_group == "":
                return
            group_key = f"{group_by[0]}={value_of_group}"
        else:
            parts = []
            for name in group_by:
                value_of_group = event.get(name)
                if value_of_group is None or value_of_group == "":
                    return
                parts.append(f"{name}={value_of_group}")
            group_key = "|".join(parts)
        value = str(event.get(correlation.value_field, "") or "") if correlation.value_field else ""
        weight = int(event.get("repeat", 1) or 1) if correlation.type == "event_count" else 1
        timestamp: datetime = event["timestamp"]
        epoch = event.get("_epoch")
        if epoch is None:
            epoch = event["_epoch"] = timestamp.timestamp()
        name = rule.name or rule.sigma_id
        window = state.windows.get((correlation.sigma_id, group_key))
        if window is None:
            window = state.windows[(correlation.sigma_id, group_key)] = Window()
        window.add((epoch, name, value, weight, index))
        window.trim(epoch - correlation.timespan)
        result.feeds.append((correlation, group_key, name, value, weight, index, timestamp))
        measure = _measure(correlation, window)
        if not _satisfied(correlation, measure):
            return
        if suppress is not None and suppress(correlation, event):
            result.suppressed[correlation.sigma_id] = result.suppressed.get(correlation.sigma_id, 0) + 1
            return
        key = (correlation.sigma_id, group_key)
        fire = open_fires.get(key)
        if fire is None:
            open_fires[key] = Fire(
                correlation=correlation,
                group_key=group_key,
                group={name: str(event.get(name)) for name in group_by},
                indexes=[entry[4] for entry in window.entries if entry[4] is not None],
                first_ts=datetime.fromtimestamp(window.entries[0][0], timestamp.tzinfo),
                last_ts=timestamp,
                count=measure,
            )
        else:
            if not fire.indexes or fire.indexes[-1] != index:
                fire.indexes.append(index)
            fire.last_ts = timestamp
            fire.count = max(fire.count, measure)
        if depth < 3:  # a correlation may feed another (brute force, then a successful login)
            for chained in self.feeds.get(correlation.sigma_id, ()):
                self._feed(chained, correlation, event, index, state, result, open_fires, suppress, depth + 1)
