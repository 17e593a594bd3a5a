"""Classify a complaint: category, confidence, alternatives, explanation and urgency.

Curated keywords give each category a score; a softmax turns scores into probabilities, with
``other`` holding a fixed prior so that weak evidence stays "other". A learned
:class:`~nlp.model.KeywordModel` over the taxonomy's codes is blended in; one over another label
set replaces the taxonomy. Below the confidence threshold the answer is ``other`` (when the label
set has it) with the alternatives, so the bot can ask the resident to choose.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nlp.cues import POST_BLOCKERS, URGENCY_BLOCKERS, URGENT_TERMS, urgent_terms
from nlp.lexicon import Hit, Lexicon
from nlp.model import KeywordModel, features
from nlp.normalize import MAX_CLASSIFY_CHARS, mask_for_matching, normalize
from nlp.taxonomy import OTHER, Taxonomy, load_taxonomy
from nlp.tokenizer import Segmenter

SHARPNESS = 1.3
"""Softmax sharpness for curated keyword scores."""
OTHER_PRIOR = 1.2
"""The score ``other`` starts with: evidence must outweigh it."""
LOW_CONFIDENCE = 0.4
"""Below this probability the answer is ``other`` with alternatives."""


@dataclass(frozen=True, slots=True)
class Keyword:
    """One piece of the explanation: a matched term, its weight and its character spans."""

    term: str
    weight: float
    spans: tuple[tuple[int, int], ...] = ()
    negated: bool = False


@dataclass(frozen=True)
class Classification:
    """The decision on one message. Spans refer to ``text``, the normalised message."""

    category: str
    label: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    keywords: tuple[Keyword, ...]
    urgent: bool
    urgent_terms: tuple[str, ...]
    low_confidence: bool = False
    text: str = ""
    truncated: bool = False
    negated: tuple[Keyword, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON shape."""
        return {
            "category": self.category,
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "urgent": self.urgent,
            "urgent_terms": list(self.urgent_terms),
            "keywords": [[k.term, round(k.weight, 4)] for k in self.keywords],
            "alternatives": [[code, round(score, 4)] for code, score in self.alternatives],
        }


def softmax(scores: Mapping[str, float], sharpness: float = 1.0) -> dict[str, float]:
    """Probabilities from scores."""
    if not scores:
        return {}
    top = max(scores.values())
    exps = {k: math.exp(sharpness * (v - top)) for k, v in scores.items()}
    total = sum(exps.values())
    return {k: v / total for k, v in exps.items()}


class Classifier:
    """A taxonomy (and optionally a learned model) ready to classify messages."""

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        model: KeywordModel | None = None,
        *,
        segmenter: Segmenter | None = None,
        low_confidence: float = LOW_CONFIDENCE,
    ) -> None:
        self.taxonomy = taxonomy or load_taxonomy()
        self.model = model
        self.lexicon = Lexicon(self.taxonomy)
        extra = self.taxonomy.terms() | URGENT_TERMS | URGENCY_BLOCKERS | POST_BLOCKERS
        self.segmenter = segmenter or Segmenter(extra)
        self.low_confidence = low_confidence
        codes = set(self.taxonomy.codes)
        self._blend = model is not None and set(model.labels) <= codes

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels this classifier can answer."""
        if self.model is not None and not self._blend:
            return self.model.labels
        return self.taxonomy.codes

    def _curated(self, hits: list[Hit]) -> dict[str, float]:
        scores = dict.fromkeys(self.taxonomy.codes, 0.0)
        if OTHER in scores:
            scores[OTHER] = OTHER_PRIOR
        for hit in hits:
            scores[hit.category] += -0.5 * hit.weight if hit.negated else hit.weight
        return softmax(scores, SHARPNESS)

    def _probabilities(self, hits: list[Hit], terms: list[str]) -> dict[str, float]:
        if self.model is None:
            return self._curated(hits)
        learned = softmax(self.model.scores(terms))
        if not self._blend:
            return learned
        share = self.model.curated_weight
        curated = self._curated(hits)
        known = sum(p for c, p in curated.items() if c in learned)
        return {
            c: share * p + (1 - share) * known * learned[c] if c in learned else p
            for c, p in curated.items()
        }

    def classify(self, text: str) -> Classification:
        """Classify one message; never raises on content or size."""
        normal = normalize(text)
        tokens = self.segmenter.tokens(mask_for_matching(normal))
        hits = self.lexicon.hits(tokens)
        terms = features([t.text for t in tokens]) if self.model is not None else []
        probabilities = self._probabilities(hits, terms)
        ranked = sorted(probabilities.items(), key=lambda item: -item[1])
        best, confidence = ranked[0]
        low = confidence < self.low_confidence or best == OTHER
        alternatives = tuple((c, p) for c, p in ranked if c != OTHER)[:3]
        shown = alternatives[0][0] if low and alternatives else best
        if low and OTHER in probabilities:
            best = OTHER
        danger = urgent_terms(tokens)
        return Classification(
            category=best,
            label=self.taxonomy.label(best),
            confidence=confidence,
            alternatives=alternatives,
            keywords=self._explain(hits, terms, shown),
            urgent=bool(danger),
            urgent_terms=danger,
            low_confidence=low,
            text=normal,
            truncated=len(text) > MAX_CLASSIFY_CHARS,
            negated=tuple(Keyword(h.term, h.weight, h.spans, True) for h in hits if h.negated),
        )

    def _explain(self, hits: list[Hit], terms: list[str], code: str) -> tuple[Keyword, ...]:
        chosen = [
            Keyword(h.term, h.weight, h.spans)
            for h in hits
            if h.category == code and h.weight > 0 and not h.negated
        ]
        chosen.sort(key=lambda k: -k.weight)
        if self.model is not None:
            known = {k.term for k in chosen}
            learned = self.model.contributions(terms, code)
            chosen.extend(Keyword(t, w) for t, w in learned[:5] if t not in known)
        return tuple(chosen)
