"""Keyword matching: find a taxonomy's weighted terms and phrases in a segmented text."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import NamedTuple

from nlp.cues import DENIAL_CUES, negated_positions
from nlp.memo import token_memo
from nlp.taxonomy import Taxonomy

MAX_JOIN = 3
"""A keyword also matches the concatenation of up to this many adjacent tokens."""
PHRASE_WINDOW = 8
"""The parts of a phrase must lie within this many tokens of each other."""


class Hit(NamedTuple):
    """A matched keyword: the category it argues for, its weight and where it stands."""

    term: str
    category: str
    weight: float
    spans: tuple[tuple[int, int], ...]
    negated: bool = False


class _Match(NamedTuple):
    term: str
    first: int
    last: int
    start: int
    end: int


class Lexicon:
    """A taxonomy compiled for fast look-up: term → [(category, signed weight)]."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.terms: dict[str, list[tuple[str, float]]] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], str, float]]] = {}
        for category in taxonomy.categories:
            for sign, weights in ((1.0, category.keywords), (-1.0, category.negative)):
                for term, weight in weights.items():
                    parts = tuple(term.split())
                    entry = (category.code, sign * weight)
                    if len(parts) > 1:
                        self.phrases.setdefault(parts[0], []).append((parts, *entry))
                    else:
                        self.terms.setdefault(term, []).append(entry)
        heads = {p for group in self.phrases.values() for phrase, _, _ in group for p in phrase}
        self.known = frozenset(self.terms) | heads
        self.prefixes = frozenset(w[:n] for w in self.known for n in range(1, len(w)))
        self.longest = max(map(len, self.known), default=0)
        known, longest = self.known, self.longest
        self._inner_term: Callable[[str], tuple[str, int] | None] = token_memo(
            lambda word: _longest_inside(word, known, longest)
        )
        """The longest known term (2+ characters) inside a longer token, and its offset."""

    def _matches(self, words: Sequence[str], starts: Sequence[int]) -> list[_Match]:
        """Longest-first matches of known terms over runs of up to MAX_JOIN words."""
        known, prefixes = self.known, self.prefixes
        found: list[_Match] = []
        index, count = 0, len(words)
        while index < count:
            text = words[index]
            best = index if text in known else -1
            joined, last = text, index
            while joined in prefixes and last + 1 < count and last - index + 1 < MAX_JOIN:
                last += 1
                joined += words[last]
                if joined in known:
                    best = last
            if best >= 0:
                term = "".join(words[index : best + 1])
                end = starts[best] + len(words[best])
                found.append(_Match(term, index, best, starts[index], end))
                index = best + 1
                continue
            if len(text) > 2:
                inner = self._inner_term(text)
                if inner is not None:
                    start = starts[index] + inner[1]
                    found.append(_Match(inner[0], index, index, start, start + len(inner[0])))
            index += 1
        return found

    def hits(self, words: Sequence[str], starts: Sequence[int]) -> list[Hit]:
        """Every keyword and phrase of the taxonomy found in a segmented text, negation marked."""
        denied = negated_positions(words, DENIAL_CUES)
        spans: dict[str, list[tuple[int, int]]] = {}
        negated: dict[str, bool] = {}
        positions: dict[str, list[int]] = {}
        for match in self._matches(words, starts):
            spans.setdefault(match.term, []).append((match.start, match.end))
            positions.setdefault(match.term, []).append(match.first)
            negated[match.term] = negated.get(match.term, True) and match.first in denied
        result = [
            Hit(term, code, weight, tuple(spans[term]), negated[term])
            for term in spans
            for code, weight in self.terms.get(term, ())
        ]
        for head in positions.keys() & self.phrases.keys():
            for parts, code, weight in self.phrases[head]:
                located = _phrase_span(parts, positions)
                if located is not None:
                    first, last = located
                    span = (
                        (starts[first], starts[first] + len(words[first])),
                        (starts[last], starts[last] + len(words[last])),
                    )
                    result.append(Hit(" ".join(parts), code, weight, span, first in denied))
        return result


def _longest_inside(word: str, known: Collection[str], longest: int) -> tuple[str, int] | None:
    for size in range(min(len(word) - 1, longest), 1, -1):
        for offset in range(len(word) - size + 1):
            if word[offset : offset + size] in known:
                return word[offset : offset + size], offset
    return None


def _phrase_span(parts: tuple[str, ...], positions: dict[str, list[int]]) -> tuple[int, int] | None:
    """First and last token index of ``parts`` found in order within the window, if any."""
    if any(part not in positions for part in parts):
        return None
    for start in positions[parts[0]]:
        previous = start
        for part in parts[1:]:
            following = [p for p in positions[part] if previous < p <= start + PHRASE_WINDOW]
            if not following:
                break
            previous = following[0]
        else:
            return start, previous
    return None
