"""Threats, incidents, the cost model and the synchronous `detect` verdict."""
