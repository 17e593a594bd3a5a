"""The learned keyword model: plain per-term weights per label, scored by dictionary look-ups.

A model file is JSON::

    {"format": "gridvoice-keyword-model", "version": 1, "method": "...",
     "labels": [...], "bias": {label: b}, "weights": {term: {label: w}},
     "curated_weight": 0.5}

A term is a word, two adjacent words joined by one space, or ``~`` and two adjacent
characters (``~漏水``: these characters anywhere, however the words were cut). The score of a label is
``bias + sum(weights of the message's terms) / sqrt(number of terms)``; ``curated_weight`` is the
share the curated taxonomy keeps when the labels are the taxonomy's codes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

MODEL_FORMAT = "gridvoice-keyword-model"
MODEL_VERSION = 1
CHARS = "~"


class ModelError(ValueError):
    """The model file is missing, unreadable or of an unknown format."""


def _is_word(word: str) -> bool:
    return any(ch.isalpha() for ch in word)


def features(words: Sequence[str]) -> list[str]:
    """The distinct terms of a message: its words (with a letter in them), adjacent word pairs
    (``"a b"``) and ``~`` + character pairs of the words run together."""
    kept = [w for w in words if _is_word(w)]
    terms = dict.fromkeys(kept)
    terms.update(dict.fromkeys(f"{a} {b}" for a, b in pairwise(kept)))
    joined = "".join(kept)
    terms.update(dict.fromkeys(CHARS + joined[i : i + 2] for i in range(len(joined) - 1)))
    return list(terms)


@dataclass(frozen=True)
class KeywordModel:
    """Per-label bias and per-term weights learned from labelled messages."""

    labels: tuple[str, ...]
    bias: Mapping[str, float]
    weights: Mapping[str, Mapping[str, float]]
    method: str = "unknown"
    curated_weight: float = 0.5

    def scores(self, terms: Sequence[str]) -> dict[str, float]:
        """Score every label for a message's terms."""
        totals = dict(self.bias)
        found = 0
        for term in terms:
            row = self.weights.get(term)
            if row is None:
                continue
            found += 1
            for label, weight in row.items():
                totals[label] += weight
        scale = 1.0 / math.sqrt(len(terms)) if terms else 0.0
        return {
            label: self.bias[label] + (totals[label] - self.bias[label]) * scale for label in totals
        }

    def contributions(self, terms: Sequence[str], label: str) -> list[tuple[str, float]]:
        """The terms that argue for ``label``, strongest first (the explanation)."""
        scale = 1.0 / math.sqrt(len(terms)) if terms else 0.0
        found = [
            (term, round(self.weights[term][label] * scale, 4))
            for term in terms
            if label in self.weights.get(term, {}) and self.weights[term][label] > 0
        ]
        return sorted(found, key=lambda item: -item[1])

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "method": self.method,
            "labels": list(self.labels),
            "curated_weight": self.curated_weight,
            "bias": dict(self.bias),
            "weights": {term: dict(row) for term, row in self.weights.items()},
        }


def save_model(model: KeywordModel, path: Path) -> None:
    """Write ``model`` as JSON to ``path``."""
    path.write_text(json.dumps(model.to_json(), ensure_ascii=False, indent=0), encoding="utf-8")


def load_model(path: Path) -> KeywordModel:
    """Read a model file, raising :class:`ModelError` with a one-line reason."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"model file not found: {path}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"unknown model format in {path}: not a JSON model file") from exc
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ModelError(f"unknown model format in {path}: expected {MODEL_FORMAT!r}")
    if data.get("version") != MODEL_VERSION:
        raise ModelError(f"unsupported model version {data.get('version')!r} in {path}")
    try:
        labels = tuple(str(label) for label in data["labels"])
        bias = {label: float(data["bias"].get(label, 0.0)) for label in labels}
        weights = {
            str(term): {str(k): float(v) for k, v in row.items() if k in bias}
            for term, row in data["weights"].items()
        }
        curated = float(data.get("curated_weight", 0.5))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ModelError(f"malformed model file {path}: {exc}") from exc
    if not labels:
        raise ModelError(f"malformed model file {path}: no labels")
    return KeywordModel(labels, bias, weights, str(data.get("method", "unknown")), curated)
