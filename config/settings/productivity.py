"""Engineering-productivity metrics (metrics.productivity)."""

from typing import cast

from config.env import env
from config.settings.api import SPECTACULAR_SETTINGS

# Items per ingestion request (metrics/productivity, metrics/agents, mcp/metrics/collect): past it,
# 413 PAYLOAD_TOO_LARGE and nothing is stored.
PRODUCTIVITY_MAX_BATCH_ITEMS = env.int("PRODUCTIVITY_MAX_BATCH_ITEMS", default=1000)
# How long a report's signed download URL works (seconds).
PRODUCTIVITY_REPORT_URL_TTL_SECONDS = env.int("PRODUCTIVITY_REPORT_URL_TTL_SECONDS", default=3600)
# Where finished reports are stored, inside MEDIA_ROOT.
PRODUCTIVITY_REPORT_DIR = env.str("PRODUCTIVITY_REPORT_DIR", default="productivity-reports")
# Rows a report holds at most (a larger selection is cut, and the report says so).
PRODUCTIVITY_REPORT_MAX_ROWS = env.int("PRODUCTIVITY_REPORT_MAX_ROWS", default=1_000_000)

_ENUMS = cast(dict[str, str], SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}))
_ENUMS.update(
    {
        "DashboardScopeEnum": "metrics.productivity.models.DashboardScope",
        "AlertSeverityEnum": "metrics.productivity.models.Severity",
        "ReportFormatEnum": "metrics.productivity.models.ReportFormat",
        "ReportTypeEnum": "metrics.productivity.models.ReportType",
        "AlertConditionEnum": "metrics.productivity.models.AlertCondition",
        "AlertDirectionEnum": "metrics.productivity.models.AlertDirection",
        "AggregationEnum": "metrics.productivity.selectors.metrics.AGGREGATION_CHOICES",
        "WidgetTypeEnum": "metrics.productivity.selectors.dashboards.WIDGET_TYPES",
        "WidgetSourceEnum": "metrics.productivity.selectors.dashboards.WIDGET_SOURCES",
        # Field names this app shares with other apps (`direction`, `type`, `source`): naming every
        # choice set keeps the other apps' enums under the names they had before.
        "DirectionEnum": "metrics.models.Direction",
        "TypeEnum": "incidents.intel.models.IndicatorType",
        "SourceEnum": "realtime.models.SubscriptionSource",
    }
)
