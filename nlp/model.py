"""The learned keyword model: plain per-term weights per label, scored by dictionary look-ups.

A model file is JSON::

    {"format": "gridvoice-keyword-model", "version": 1, "method": "...",
     "labels": [...], "bias": {label: b}, "weights": {term: {label: w}},
     "curated_weight": 0.5}

A term is a word, or ``~`` and two adjacent characters inside a word (``~漏水``: matches
however the word around them was cut). The score of a label is
``bias + sum(weights of the message's terms) / sqrt(number of terms)`` over its distinct words
and the pairs inside them;
``curated_weight`` scales the curated taxonomy's keyword scores that are added to these when the
labels are the taxonomy's codes. Scoring is a few dictionary look-ups per word: rows are compiled once at load.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.memo import token_memo

MODEL_FORMAT = "gridvoice-keyword-model"
MODEL_VERSION = 1
CHARS = "~"


class ModelError(ValueError):
    """The model file is missing, unreadable or of an unknown format."""


def _is_word(word: str) -> bool:
    return word.isalpha() or any(ch.isalpha() for ch in word)


def kept_words(words: Sequence[str]) -> list[str]:
    """The distinct words of a message that have a letter in them (no numbers, punctuation)."""
    return list(dict.fromkeys(w for w in words if w.isalpha() or _is_word(w)))


def features(words: Sequence[str], *, chars: bool = True) -> list[str]:
    """The terms of a message as named in a model file: its distinct words and, with ``chars``,
    ``~`` + every pair of adjacent characters inside each of them."""
    kept = kept_words(words)
    if not chars:
        return kept
    return kept + [CHARS + w[i : i + 2] for w in kept for i in range(len(w) - 1)]


@dataclass(frozen=True)
class KeywordModel:
    """Per-label bias and per-term weights learned from labelled messages."""

    labels: tuple[str, ...]
    bias: Mapping[str, float]
    weights: Mapping[str, Mapping[str, float]]
    method: str = "unknown"
    curated_weight: float = 0.5
    chars: bool = True
    """Whether character pairs are terms too (more accurate on new wording, slower)."""
    _words: dict[str, tuple[float, ...]] = field(init=False, repr=False, compare=False)
    _chars: dict[str, tuple[float, ...]] = field(init=False, repr=False, compare=False)
    _bias: list[float] = field(init=False, repr=False, compare=False)
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _positive: list[dict[str, float]] = field(init=False, repr=False, compare=False)
    _entry: Callable[[str], tuple[tuple[float, ...] | None, int]] = field(
        init=False, repr=False, compare=False
    )
    """A token's summed rows and how many terms it makes (:meth:`_analyse`), remembered."""

    def __post_init__(self) -> None:
        """Compile the weights into one dense row (a weight per label) per term."""
        index = {label: i for i, label in enumerate(self.labels)}
        words: dict[str, tuple[float, ...]] = {}
        chars: dict[str, tuple[float, ...]] = {}
        positive: list[dict[str, float]] = [{} for _ in self.labels]
        for term, values in self.weights.items():
            row = [0.0] * len(self.labels)
            for label, weight in values.items():
                if label in index:
                    row[index[label]] = weight
                    if weight > 0 and not term.startswith(CHARS):
                        positive[index[label]][term] = weight
            if term.startswith(CHARS):
                chars[term[len(CHARS) :]] = tuple(row)
            else:
                words[term] = tuple(row)
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_chars", chars)
        object.__setattr__(self, "_bias", [float(self.bias[label]) for label in self.labels])
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_positive", positive)
        object.__setattr__(self, "_entry", token_memo(self._analyse))

    def _analyse(self, word: str) -> tuple[tuple[float, ...] | None, int]:
        """A token's summed rows (its word and the pairs inside it) and how many terms it makes;
        (None, 0) for numbers and punctuation."""
        if not _is_word(word):
            return None, 0
        rows = [self._words[word]] if word in self._words else []
        if self.chars:
            pairs = (word[i : i + 2] for i in range(len(word) - 1))
            rows.extend(r for pair in pairs if (r := self._chars.get(pair)))
        vector = tuple(map(sum, zip(*rows, strict=True))) if rows else None
        return vector, len(word) if self.chars else 1

    def totals(self, distinct: Sequence[str]) -> tuple[list[float] | None, float]:
        """The summed term weights of each label (in ``labels`` order, without bias or scale)
        for a message's distinct tokens, and the scale (1/sqrt(number of terms)) that applies to
        them; ``None`` when no token has a weight."""
        entry = self._entry
        rows: list[tuple[float, ...]] = []
        count = 0
        for word in distinct:
            vector, terms = entry(word)
            if vector is not None:
                rows.append(vector)
            count += terms
        if not rows:
            return None, 0.0
        return list(map(sum, zip(*rows, strict=True))), count**-0.5

    @property
    def bias_list(self) -> list[float]:
        """The bias of each label, in ``labels`` order."""
        return self._bias

    def score_list(self, distinct: Sequence[str]) -> tuple[list[float], float]:
        """The score of each label (in ``labels`` order) for a message's distinct tokens, and the
        scale (1/sqrt(number of terms)) that was applied to the term weights."""
        totals, scale = self.totals(distinct)
        if totals is None:
            return list(self._bias), 0.0
        return [b + total * scale for b, total in zip(self._bias, totals, strict=True)], scale

    def scores(self, words: Sequence[str]) -> dict[str, float]:
        """Score every label for a message's words."""
        scores, _ = self.score_list(list(dict.fromkeys(words)))
        return dict(zip(self.labels, scores, strict=True))

    def contributions(
        self,
        distinct: Sequence[str],
        label: str,
        scale: float,
        limit: int = 5,
        hidden: Collection[str] = (),
    ) -> list[tuple[str, float]]:
        """The words of two or more characters (not ``hidden``) that argue most for ``label``,
        strongest first, with their weights as applied (times ``scale``) to this message."""
        if label not in self._index:
            return []
        positive = self._positive[self._index[label]]
        found = [
            (positive[w], w) for w in distinct if w in positive and len(w) > 1 and w not in hidden
        ]
        found.sort(reverse=True)
        return [(word, round(weight * scale, 4)) for weight, word in found[:limit]]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "method": self.method,
            "labels": list(self.labels),
            "curated_weight": self.curated_weight,
            "char_pairs": self.chars,
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
        chars = bool(data.get("char_pairs", True))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ModelError(f"malformed model file {path}: {exc}") from exc
    if not labels:
        raise ModelError(f"malformed model file {path}: no labels")
    return KeywordModel(labels, bias, weights, str(data.get("method", "unknown")), curated, chars)
