"""Writes of the metrics domain: catalogs, metrics and their history, CSV import, demo mode."""
