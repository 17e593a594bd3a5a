"""Duplicate detector quality on hand-labelled pairs (``tests/data/duplicate_pairs.csv``).

Run by hand: ``python bench/bench_duplicates.py [--half tune|test|all] [--errors]``.
The pairs are split in two halves by a hash of the first text (pairs about the same report stay
together): the threshold is chosen on the ``tune`` half only; ``tests/unit/nlp/
test_similarity_quality.py`` asserts precision and recall on the ``test`` half. Prints a
threshold table, then precision, recall and F1 at ``nlp.similarity.DEFAULT_THRESHOLD``.
"""

from __future__ import annotations

import argparse
import csv
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nlp.similarity import DEFAULT_THRESHOLD, Similarity, default_similarity

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "duplicate_pairs.csv"
TABLE = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


@dataclass(frozen=True)
class Pair:
    """One labelled pair: the same problem or not, and the two messages."""

    same: bool
    category: str
    place_a: str
    text_a: str
    place_b: str
    text_b: str

    @property
    def half(self) -> str:
        return "tune" if zlib.crc32(self.text_a.encode()) % 2 == 0 else "test"


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of "same" at one threshold."""

    threshold: float
    precision: float
    recall: float
    f1: float
    pairs: int


def load_pairs(path: Path = PAIRS, half: str = "all") -> list[Pair]:
    """The labelled pairs of ``half`` (``tune``, ``test`` or ``all``)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            Pair(
                row["label"] == "same",
                row["category"],
                row["place_a"],
                row["text_a"],
                row["place_b"],
                row["text_b"],
            )
            for row in csv.DictReader(handle)
        ]
    return [p for p in rows if half == "all" or p.half == half]


def score_pairs(pairs: Sequence[Pair], similarity: Similarity | None = None) -> list[float]:
    """The similarity score of every pair."""
    compare = (similarity or default_similarity()).compare
    profile = (similarity or default_similarity()).profile
    return [
        compare(profile(p.text_a, p.place_a), profile(p.text_b, p.place_b)).score for p in pairs
    ]


def evaluate(pairs: Sequence[Pair], scores: Sequence[float], threshold: float) -> Scores:
    """Precision, recall and F1 of calling a pair "same" at ``threshold``."""
    hits = [s >= threshold for s in scores]
    true_pos = sum(1 for p, h in zip(pairs, hits, strict=True) if h and p.same)
    predicted, actual = sum(hits), sum(1 for p in pairs if p.same)
    precision = true_pos / predicted if predicted else 1.0
    recall = true_pos / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(threshold, precision, recall, f1, len(pairs))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("tune", "test", "all"), default="tune")
    parser.add_argument("--errors", action="store_true", help="list the misjudged pairs")
    args = parser.parse_args(argv)
    pairs = load_pairs(half=args.half)
    scores = score_pairs(pairs)
    same = sum(p.same for p in pairs)
    print(f"{len(pairs)} pairs ({same} same, {len(pairs) - same} different), half={args.half}")
    print("threshold  precision  recall  F1")
    for threshold in sorted({*TABLE, DEFAULT_THRESHOLD}):
        s = evaluate(pairs, scores, threshold)
        mark = "  <- chosen" if threshold == DEFAULT_THRESHOLD else ""
        print(f"{threshold:9.2f}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:.3f}{mark}")
    if args.errors:
        for pair, score in zip(pairs, scores, strict=True):
            if (score >= DEFAULT_THRESHOLD) != pair.same:
                label = "missed" if pair.same else "false "
                print(f"{label} {score:.3f}  {pair.text_a} | {pair.text_b}")


if __name__ == "__main__":
    main()
