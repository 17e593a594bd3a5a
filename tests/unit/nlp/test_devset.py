"""The shipped taxonomy on the project's own labelled development set."""

import csv
from pathlib import Path

import pytest

from nlp import Classifier, default_classifier
from nlp.metrics import evaluate

DEVSET = Path(__file__).parents[2] / "data" / "devset.csv"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with DEVSET.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return default_classifier()


def test_the_devset_covers_every_category_with_25_messages(rows: list[dict[str, str]]) -> None:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    assert len(counts) == 14 and min(counts.values()) >= 25


def test_macro_f1_is_at_least_090(rows: list[dict[str, str]], classifier: Classifier) -> None:
    predicted = [classifier.classify(r["text"]).category for r in rows]
    report = evaluate([r["label"] for r in rows], predicted)
    assert report.macro_f1 >= 0.90, report.per_label


def test_urgent_recall_is_at_least_095(rows: list[dict[str, str]], classifier: Classifier) -> None:
    urgent = [r["text"] for r in rows if r["urgent"] == "1"]
    missed = [t for t in urgent if not classifier.classify(t).urgent]
    assert len(urgent) >= 20
    assert 1 - len(missed) / len(urgent) >= 0.95, missed


def test_few_calm_messages_are_flagged_urgent(
    rows: list[dict[str, str]], classifier: Classifier
) -> None:
    calm = [r["text"] for r in rows if r["urgent"] == "0"]
    flagged = [t for t in calm if classifier.classify(t).urgent]
    assert len(flagged) / len(calm) <= 0.05, flagged
