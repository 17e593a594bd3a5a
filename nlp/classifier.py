"""Classify a complaint: category, confidence, alternatives, explanation and urgency.

Curated keywords give each category a score; a softmax turns scores into probabilities, with
``other`` holding a fixed prior so that weak evidence stays "other". A learned
:class:`~nlp.model.KeywordModel` over the taxonomy's codes is blended in; one over another label
set replaces the taxonomy. Below the confidence threshold the answer is ``other`` (when the label
set has it) with the alternatives, so the bot can ask the resident to choose.
"""

from __future__ import annotations

import math
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
        self._aligned = model is not None and set(model.labels) == set(codes)
        """Blending a model of exactly the taxonomy's codes: scores are kept in the model's order
        of labels, so its sums need no reordering."""
        if self._aligned and model is not None:
            codes = model.labels
        self._order = codes if self._blend else self.labels
        """The labels in the order of the score lists."""
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

    def _logits(self, hits: list[Hit], terms: Terms) -> tuple[list[float], float, float]:
        """Scores before the softmax (in the order of :attr:`_order`), the softmax sharpness,
        and the scale that was applied to the learned term weights. With a model over the
        taxonomy's codes, curated keyword scores and learned scores are added (a product of
        experts)."""
        model = self.model
        if model is None:
            return self._curated_scores(hits), SHARPNESS, 0.0
        if not self._blend:
            learned, scale = model.score_list(terms)
            return learned, 1.0, scale
        curated = self._curated_scores(hits)
        weight = model.curated_weight
        if self._aligned:
            totals, scale = model.totals(terms)
            bias = model.bias_list
            if totals is None:
                return [weight * c + b for c, b in zip(curated, bias, strict=True)], 1.0, 0.0
            return (
                [weight * c + b + t * scale for c, b, t in zip(curated, bias, totals, strict=True)],
                1.0,
                scale,
            )
        learned, scale = model.score_list(terms)
        centre = sum(learned) / len(learned)
        blended = [
            weight * value + (learned[at] if at >= 0 else centre)
            for value, at in zip(curated, self._learned_at, strict=True)
        ]
        return blended, 1.0, scale

    def classify(self, text: str) -> Classification:
        """Classify one message; never raises on content or size."""
        normal = normalize(text)
        words, starts = self.segmenter.split(mask_for_matching(normal))
        hits = self.lexicon.hits(words, starts)
        model = self.model
        terms = NO_TERMS if model is None else list(dict.fromkeys(words))
        logits, sharpness, scale = self._logits(hits, terms)
        labels = self._order
        order = sorted(range(len(labels)), key=logits.__getitem__, reverse=True)[:4]
        top = logits[order[0]]
        exps = [math.exp(sharpness * (value - top)) for value in logits]
        total = sum(exps)
        probabilities = {i: exps[i] / total for i in order}
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
