"""MITRE ATT&CK Enterprise techniques, from the data file shipped in incidents/data/ (see the NOTICE
beside it): rule tags are checked against it."""

import json
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "mitre-attack-enterprise.json"


@lru_cache(maxsize=1)
def techniques() -> dict[str, dict]:
    return {entry["id"]: entry for entry in json.loads(DATA_FILE.read_text(encoding="utf-8"))}


def technique_exists(technique_id: str) -> bool:
    return technique_id in techniques()
