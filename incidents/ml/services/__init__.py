"""Writes of the ML domain, one module per capability."""
