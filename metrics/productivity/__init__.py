"""Engineering-productivity metrics (seed C): ingestion (REST and MCP), queries, trends, team
comparison, dashboards with live updates, report export and anomaly alerts.

A nested Django app (label `productivity`) inside the `metrics` package: it shares the package
with the security metrics but none of their models.
"""
