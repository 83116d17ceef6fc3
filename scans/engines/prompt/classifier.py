"""A statistical prompt-injection classifier trained in-process on the labeled set in scans/data.

TF-IDF over word 1-2-grams and character 3-5-grams, logistic regression. Training takes well under
a second, so the model is fitted on first use from the versioned dataset (nothing pickled, nothing
downloaded) and the same split and seed always give the same model.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DATASET = DATA_DIR / "prompt_injection_dataset.jsonl"
HELD_OUT_FRACTION = 0.25
SEED = 20261123


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    source: str


def load_dataset(path: Path = DATASET) -> list[Example]:
    examples = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                examples.append(Example(row["text"], int(row["label"]), row.get("source", "")))
    return examples


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """A stratified, seeded split: (train, held_out)."""
    rng = random.Random(SEED)  # noqa: S311  (a reproducible split, not a secret)
    train, held_out = [], []
    for label in (0, 1):
        group = [example for example in examples if example.label == label]
        rng.shuffle(group)
        cut = int(len(group) * HELD_OUT_FRACTION)
        held_out.extend(group[:cut])
        train.extend(group[cut:])
    return train, held_out


def fit(examples: list[Example]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)),
        ]
    )
    model = Pipeline(
        [
            ("features", features),
            ("classifier", LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced")),
        ]
    )
    model.fit([example.text for example in examples], [example.label for example in examples])
    return model


@lru_cache(maxsize=1)
def model():
    """The production model: fitted on the training split only, so the held-out figures stay honest."""
    train, _held_out = split(load_dataset())
    return fit(train)


def probabilities(texts: list[str]) -> list[float]:
    """Probability that each text is an injection or jailbreak attempt."""
    if not texts:
        return []
    return [float(row[1]) for row in model().predict_proba(texts)]
