"""Threat intelligence: indicators, CSV and STIX 2.1 import, matching against events."""
