"""Reads of the metrics domain."""
