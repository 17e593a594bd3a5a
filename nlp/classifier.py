"""Classify a complaint: category, confidence, alternatives, explanation and urgency.

Curated keywords give each category a score; a softmax turns scores into probabilities, with
``other`` holding a fixed prior so that weak evidence stays "other". A learned
:class:`~nlp.model.KeywordModel` over the taxonomy's codes is blended in; one over another label
set replaces the taxonomy. Below the confidence threshold the answer is ``other`` (when the label
set has it) with the alternatives, so the bot can ask the resident to choose.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from nlp.cues import (
    DANGER_SIGNS,
    IMMEDIATE,
    POST_BLOCKERS,
    URGENCY_BLOCKERS,
    URGENT_TERMS,
    urgent_terms,
)
from nlp.lexicon import Hit, Lexicon
from nlp.model import KeywordModel
from nlp.normalize import MAX_CLASSIFY_CHARS, mask_for_matching, normalize
from nlp.taxonomy import OTHER, Taxonomy, load_taxonomy
from nlp.tokenizer import Segmenter

SHARPNESS = 1.3
"""Softmax sharpness for curated keyword scores."""
OTHER_PRIOR = 1.0
"""The score ``other`` starts with: evidence must outweigh it."""
LOW_CONFIDENCE = 0.3
"""Below this probability the answer is ``other`` with alternatives (curated keywords only)."""
LOW_CONFIDENCE_WITH_MODEL = 0.2
"""The same with a learned model, whose probabilities are spread more thinly."""


FUNCTION_WORDS = frozenset(
    [
        "不是",
        "怎么",
        "一下",
        "我们",
        "你们",
        "他们",
        "这个",
        "那个",
        "什么",
        "已经",
        "还是",
        "就是",
        "可以",
        "没有",
        "一个",
        "这样",
        "那样",
        "现在",
        "还有",
        "因为",
        "所以",
        "但是",
        "而且",
        "如果",
        "然后",
        "的话",
        "一直",
        "特别",
        "非常",
        "真的",
        "怎么办",
        "请问",
        "麻烦",
        "谢谢",
        "领导",
        "同志",
        "你好",
        "您好",
        "大家",
        "自己",
        "时候",
        "问题",
        "情况",
        "反映",
        "一些",
        "有点",
        "这里",
        "那里",
        "这边",
        "那边",
        "好几",
    ]
)
"""Words too common to explain a decision (learned weights on them still count)."""
Terms = list[str]
NO_TERMS: Terms = []


class Keyword(NamedTuple):
    """One piece of the explanation: a matched term, its weight and its character spans."""

    term: str
    weight: float
    spans: tuple[tuple[int, int], ...] = ()
    negated: bool = False


@dataclass(slots=True)
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


def softmax(scores: Sequence[float], sharpness: float = 1.0) -> list[float]:
    """Probabilities from scores."""
    if not scores:
        return []
    top = max(scores)
    exps = [math.exp(sharpness * (value - top)) for value in scores]
    total = sum(exps)
    return [value / total for value in exps]


class Classifier:
    """A taxonomy (and optionally a learned model) ready to classify messages."""

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        model: KeywordModel | None = None,
        *,
        segmenter: Segmenter | None = None,
        low_confidence: float | None = None,
    ) -> None:
        self.taxonomy = taxonomy or load_taxonomy()
        self.model = model
        self.lexicon = Lexicon(self.taxonomy)
        extra = self.taxonomy.terms() | URGENT_TERMS | set(DANGER_SIGNS) | IMMEDIATE
        extra |= URGENCY_BLOCKERS | POST_BLOCKERS
        self.segmenter = segmenter or Segmenter(extra)
        default = LOW_CONFIDENCE if model is None else LOW_CONFIDENCE_WITH_MODEL
        self.low_confidence = default if low_confidence is None else low_confidence
        codes = self.taxonomy.codes
        self._blend = model is not None and set(model.labels) <= set(codes)
        self.labels: tuple[str, ...] = model.labels if model and not self._blend else codes
        """The labels this classifier answers with."""
        self._position = {code: i for i, code in enumerate(codes)}
        self._names = {c.code: c.label for c in self.taxonomy.categories}
        learned_at = {label: i for i, label in enumerate(model.labels)} if model else {}
        self._learned_at = [learned_at.get(code, -1) for code in codes]

    def _curated_scores(self, hits: list[Hit]) -> list[float]:
        scores = [0.0] * len(self._position)
        if OTHER in self._position:
            scores[self._position[OTHER]] = OTHER_PRIOR
        position = self._position
        for hit in hits:
            scores[position[hit.category]] += -0.5 * hit.weight if hit.negated else hit.weight
        return scores

    def _probabilities(self, hits: list[Hit], terms: Terms) -> tuple[list[float], float]:
        """Curated keyword scores plus learned scores (a product of experts), softmaxed;
        in the order of :attr:`labels`."""
        if self.model is None:
            return softmax(self._curated_scores(hits), SHARPNESS), 0.0
        learned, scale = self.model.score_list(terms)
        if not self._blend:
            return softmax(learned), scale
        weight = self.model.curated_weight
        centre = sum(learned) / len(learned)
        curated = self._curated_scores(hits)
        probabilities = softmax(
            [
                weight * value + (learned[at] if at >= 0 else centre)
                for value, at in zip(curated, self._learned_at, strict=True)
            ]
        )
        return probabilities, scale

    def classify(self, text: str) -> Classification:
        """Classify one message; never raises on content or size."""
        normal = normalize(text)
        words, starts = self.segmenter.split(mask_for_matching(normal))
        hits = self.lexicon.hits(words, starts)
        model = self.model
        terms = NO_TERMS if model is None else list(dict.fromkeys(words))
        probabilities, scale = self._probabilities(hits, terms)
        labels = self.labels
        order = sorted(range(len(labels)), key=probabilities.__getitem__, reverse=True)[:4]
        best, confidence = labels[order[0]], probabilities[order[0]]
        low = confidence < self.low_confidence or best == OTHER
        alternatives = tuple(
            [(labels[i], probabilities[i]) for i in order if labels[i] != OTHER][:3]
        )
        shown = alternatives[0][0] if low and alternatives else best
        if low and OTHER in labels:
            best = OTHER
        danger = urgent_terms(words)
        return Classification(
            category=best,
            label=self._names.get(best, best),
            confidence=confidence,
            alternatives=alternatives,
            keywords=self._explain(hits, terms, shown, scale),
            urgent=bool(danger),
            urgent_terms=danger,
            low_confidence=low,
            text=normal,
            truncated=len(text) > MAX_CLASSIFY_CHARS,
            negated=tuple([Keyword(h.term, h.weight, h.spans, True) for h in hits if h.negated]),
        )

    def _explain(
        self, hits: list[Hit], terms: Terms, code: str, scale: float
    ) -> tuple[Keyword, ...]:
        chosen = [
            Keyword(h.term, h.weight, h.spans)
            for h in hits
            if h.category == code and h.weight > 0 and not h.negated
        ]
        chosen.sort(key=lambda k: -k.weight)
        if self.model is not None:
            known = {k.term for k in chosen}
            learned = self.model.contributions(terms, code, scale, 3 + len(known), FUNCTION_WORDS)
            chosen.extend([Keyword(t, w) for t, w in learned if t not in known][:3])
        return tuple(chosen)
