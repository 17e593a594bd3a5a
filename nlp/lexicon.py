"""Keyword matching: find a taxonomy's weighted terms and phrases in a segmented text."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from nlp.cues import DENIAL_CUES, negated_positions
from nlp.taxonomy import Taxonomy
from nlp.tokenizer import Token

MAX_JOIN = 3
"""A keyword also matches the concatenation of up to this many adjacent tokens."""
PHRASE_WINDOW = 8
"""The parts of a phrase must lie within this many tokens of each other."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A matched keyword: the category it argues for, its weight and where it stands."""

    term: str
    category: str
    weight: float
    spans: tuple[tuple[int, int], ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class _Match:
    term: str
    first: int
    last: int
    start: int
    end: int

    def _replace_index(self, index: int) -> _Match:
        return _Match(self.term, index, index, self.start, self.end)


def _inner_term(token: Token, known: Collection[str]) -> _Match | None:
    """The longest known term (two characters or more) inside a longer token ("着火了")."""
    word = token.text
    for size in range(len(word) - 1, 1, -1):
        for offset in range(len(word) - size + 1):
            piece = word[offset : offset + size]
            if piece in known:
                start = token.start + offset
                return _Match(piece, 0, 0, start, start + size)
    return None


class Lexicon:
    """A taxonomy compiled for fast look-up: term → [(category, signed weight)]."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.terms: dict[str, list[tuple[str, float]]] = {}
        self.phrases: list[tuple[tuple[str, ...], str, float]] = []
        for category in taxonomy.categories:
            for sign, weights in ((1.0, category.keywords), (-1.0, category.negative)):
                for term, weight in weights.items():
                    parts = tuple(term.split())
                    if len(parts) > 1:
                        self.phrases.append((parts, category.code, sign * weight))
                    else:
                        self.terms.setdefault(term, []).append((category.code, sign * weight))
        self.phrase_parts = {part for parts, _, _ in self.phrases for part in parts}

    def _matches(self, tokens: Sequence[Token]) -> list[_Match]:
        """Longest-first matches of known terms over runs of up to MAX_JOIN tokens."""
        known = self.terms.keys() | self.phrase_parts
        found: list[_Match] = []
        index, count = 0, len(tokens)
        while index < count:
            for size in range(min(MAX_JOIN, count - index), 0, -1):
                last = index + size - 1
                term = (
                    tokens[index].text
                    if size == 1
                    else "".join(t.text for t in tokens[index : last + 1])
                )
                if term in known:
                    found.append(_Match(term, index, last, tokens[index].start, tokens[last].end))
                    index = last + 1
                    break
            else:
                inner = _inner_term(tokens[index], known)
                if inner is not None:
                    found.append(inner._replace_index(index))
                index += 1
        return found

    def hits(self, tokens: Sequence[Token]) -> list[Hit]:
        """Every keyword and phrase of the taxonomy found in ``tokens``, negation marked."""
        denied = negated_positions(tokens, DENIAL_CUES)
        matches = self._matches(tokens)
        spans: dict[str, list[tuple[int, int]]] = {}
        negated: dict[str, bool] = {}
        positions: dict[str, list[int]] = {}
        for match in matches:
            spans.setdefault(match.term, []).append((match.start, match.end))
            positions.setdefault(match.term, []).append(match.first)
            is_denied = match.first in denied
            negated[match.term] = negated.get(match.term, True) and is_denied
        result = [
            Hit(term, code, weight, tuple(spans[term]), negated[term])
            for term in spans
            for code, weight in self.terms.get(term, ())
        ]
        for parts, code, weight in self.phrases:
            located = _phrase_span(parts, positions, tokens)
            if located is not None:
                first, last = located
                span = (
                    (tokens[first].start, tokens[first].end),
                    (tokens[last].start, tokens[last].end),
                )
                result.append(Hit(" ".join(parts), code, weight, span, first in denied))
        return result


def _phrase_span(
    parts: tuple[str, ...], positions: dict[str, list[int]], tokens: Sequence[Token]
) -> tuple[int, int] | None:
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
