"""Evaluation metrics: accuracy, macro-F1, per-label precision/recall/F1, confusion matrix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Report:
    """How well predictions match the gold labels."""

    accuracy: float
    macro_f1: float
    per_label: dict[str, dict[str, float | int]]
    confusion: dict[str, dict[str, int]]

    def to_json(self) -> dict[str, Any]:
        return {
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_label": self.per_label,
            "confusion": self.confusion,
        }


def evaluate(gold: Sequence[str], predicted: Sequence[str]) -> Report:
    """Compare two equally long label sequences; macro-F1 is over the gold labels."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    pairs = Counter(zip(gold, predicted, strict=True))
    labels = sorted(set(gold))
    every = sorted(set(gold) | set(predicted))
    per_label: dict[str, dict[str, float | int]] = {}
    f1_scores: list[float] = []
    for label in labels:
        true_pos = pairs[(label, label)]
        predicted_n = sum(n for (_, p), n in pairs.items() if p == label)
        gold_n = sum(n for (g, _), n in pairs.items() if g == label)
        precision = true_pos / predicted_n if predicted_n else 0.0
        recall = true_pos / gold_n if gold_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1_scores.append(f1)
        per_label[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": gold_n,
        }
    correct = sum(n for (g, p), n in pairs.items() if g == p)
    confusion = {g: {p: pairs[(g, p)] for p in every if pairs[(g, p)]} for g in labels}
    return Report(
        accuracy=correct / len(gold) if gold else 0.0,
        macro_f1=sum(f1_scores) / len(f1_scores) if f1_scores else 0.0,
        per_label=per_label,
        confusion=confusion,
    )
