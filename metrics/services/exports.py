"""CSV export, streamed row by row, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from metrics.models import Metric
from metrics.scoring import metric_score, rating

COLUMNS = (
    "metric_number",
    "name",
    "description",
    "framework",
    "csf_function",
    "csf_category",
    "subcategory",
    "current_value",
    "target_value",
    "unit",
    "direction",
    "priority",
    "score",
    "rating",
    "is_locked",
    "updated_at",
)
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice).
    Numbers are written as numbers: a negative value is data, not a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(value)


def export_row(metric: Metric) -> list[object]:
    score = metric_score(metric.current_value, metric.target_value, metric.direction)
    cells: list[object] = [
        metric.metric_number,
        metric.name,
        metric.description,
        metric.framework_id,
        metric.function.code,
        metric.category.code,
        metric.subcategory.code if metric.subcategory else "",
    ]
    cells = [spreadsheet_safe(c) for c in cells]
    cells += [
        _number(metric.current_value),
        _number(metric.target_value),
        spreadsheet_safe(metric.unit),
        metric.direction,
        metric.priority,
        "" if score is None else score,
        rating(score) or "",
        "true" if metric.is_locked else "false",
        metric.updated_at.isoformat(),
    ]
    return cells


def export_lines(metrics: Iterable[Metric]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)  # BOM: spreadsheets then read the file as UTF-8
    for metric in metrics:
        yield writer.writerow(export_row(metric))
