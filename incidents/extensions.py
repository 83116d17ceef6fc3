"""Extension points of the incident workspace for the nested apps built on it.

The core (`incidents`) shows an incident; nested apps that depend on it (response actions and
containment, ML scores) add what they know through these registries instead of being imported by
the core, which keeps dependencies flowing one way.

    register_incident_section("actions", lambda incident: [...])

Each section is a callable taking the incident and returning JSON-serialisable data; it appears
under its name in the incident's detail, context and threat-status views.
"""

from collections.abc import Callable
from typing import Any

IncidentSection = Callable[[Any], Any]

_sections: dict[str, IncidentSection] = {}


def register_incident_section(name: str, section: IncidentSection) -> None:
    """Register (or replace) the section `name`; apps call this from AppConfig.ready()."""
    _sections[name] = section


def incident_sections(incident: Any) -> dict[str, Any]:
    """Every registered section's data for one incident, keyed by section name."""
    return {name: section(incident) for name, section in sorted(_sections.items())}


def registered_sections() -> list[str]:
    return sorted(_sections)
