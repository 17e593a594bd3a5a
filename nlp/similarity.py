"""Are two complaints about the same problem? A deterministic, explainable text similarity.

A message is cut into content words (jieba; function words and words that only say where —
楼下, 胡同, 门口 — dropped, and the named place the bot recognised removed, since candidates
already share their place). Its terms are the characters of those words: Chinese characters
carry meaning alone, so 垃圾桶 / 垃圾箱, 井盖 / 井的盖子, 消防栓 / 消火栓 still meet. Each
character is weighted by its inverse document frequency in the training corpora
(``nlp/corpus``). The score is the weighted overlap of the two sets, relative to the smaller
one (a short report inside a long one still matches), in ``[0, 1]``; the shared words, rarest
first, explain it.

Address numbers decide alone when they disagree: "5号楼" and "8号楼" (or "3单元" and "4单元")
are different places, so the score is 0 whatever the words.

Measured on hand-labelled pairs by ``bench/bench_duplicates.py``.
"""

from __future__ import annotations

import csv
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from nlp.classifier import FUNCTION_WORDS
from nlp.normalize import mask_for_matching, normalize
from nlp.tokenizer import Segmenter

DEFAULT_THRESHOLD = 0.34
"""Scores at or above this mean "the same problem" (chosen on the tune half of the pairs)."""
SHOWN_TERMS = 4

STOP_CHARS = frozenset(
    "的了吗呢吧啊呀哦嘛是在有我你他她它们就都也还又很太把被给让和与跟对向从到这那个一不没人来去说"
)
"""Single characters too common to be evidence."""
PLACE_CHARS = frozenset("胡同楼道口院旁边底面处街路区小里上下附近对")
"""Characters that only say where (the place is compared separately)."""
STOP_WORDS = FUNCTION_WORDS | frozenset(
    ["麻烦", "没人管", "没人", "好几天", "天天", "每天", "一直", "赶紧", "有人", "谁", "管管"]
)
PLACE_WORDS = frozenset(
    [
        "胡同",
        "胡同口",
        "小区",
        "楼道",
        "楼下",
        "楼上",
        "楼底下",
        "门口",
        "路口",
        "院里",
        "旁边",
        "边上",
        "附近",
        "路边",
        "街上",
        "路上",
        "对面",
        "隔壁",
        "到处",
        "地方",
        "那边",
        "这边",
    ]
)

_CHINESE_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+(?=号|栋|幢|座|单元|层|楼)")
_ADDRESS_NUMBER = re.compile(r"(\d+)(号楼|号院|栋|幢|座|单元|号|层|楼)")
_UNIT_KIND = {"号楼": "栋", "栋": "栋", "幢": "栋", "座": "栋", "单元": "单元", "号": "号"}
_UNIT_KIND |= {"号院": "号", "层": "层", "楼": "层"}
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


@dataclass(frozen=True, slots=True)
class Profile:
    """A message ready to be compared: content words, weighted characters, address numbers."""

    words: tuple[str, ...]
    chars: Mapping[str, float]
    numbers: Mapping[str, frozenset[int]]


@dataclass(frozen=True, slots=True)
class Match:
    """How alike two messages are, and why."""

    score: float
    shared: tuple[str, ...]
    """Words (or, failing those, characters) both messages use, rarest first."""
    conflict: str = ""
    """The address numbers that disagree (e.g. ``栋 5≠8``); the score is then 0."""


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 三十五 → 35 (the forms addresses use)."""
    if "十" not in text:
        return int("".join(str(_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def address_numbers(text: str) -> dict[str, frozenset[int]]:
    """The numbered places a message names, by kind: {"栋": {5}, "单元": {3}}."""
    folded = _CHINESE_NUMBER.sub(lambda m: str(chinese_number(m.group(0))), text)
    found: dict[str, set[int]] = {}
    for number, unit in _ADDRESS_NUMBER.findall(folded):
        found.setdefault(_UNIT_KIND[unit], set()).add(int(number))
    return {kind: frozenset(values) for kind, values in found.items()}


def conflict(a: Mapping[str, frozenset[int]], b: Mapping[str, frozenset[int]]) -> str:
    """The first kind of address number both name with no number in common (else "")."""
    for kind in sorted(a.keys() & b.keys()):
        if a[kind].isdisjoint(b[kind]):
            return f"{kind} {min(a[kind])}≠{min(b[kind])}"
    return ""


def overlap(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Weighted overlap of two term sets relative to the smaller one (squared weights)."""
    if not a or not b:
        return 0.0
    shared = sum(a[t] * a[t] for t in a.keys() & b.keys())
    smaller = min(sum(v * v for v in a.values()), sum(v * v for v in b.values()))
    return min(1.0, shared / smaller)


def corpus_texts() -> list[str]:
    """The messages of the training corpora shipped in ``nlp/corpus`` (none if absent)."""
    folder = Path(str(resources.files("nlp") / "corpus"))
    texts: list[str] = []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        with path.open(encoding="utf-8", newline="") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle) if row.get("text"))
    return texts


PROFILES_KEPT = 2_000
"""Profiles remembered (about 2 KB each) before the memory is emptied and starts again: ample for
the open tickets a community compares with (at most 100 per report), and at most ~4 MB (10,000
grew the bot by 20 MB over a 10-minute load of unique complaints)."""


class Similarity:
    """Compares messages; document frequencies are counted lazily on first use (thread-safe)."""

    def __init__(
        self, segmenter: Segmenter | None = None, documents: Iterable[str] | None = None
    ) -> None:
        self.segmenter = segmenter or Segmenter()
        self._documents = documents
        self._idf: dict[str, float] | None = None
        self._unknown = 1.0
        self._lock = threading.Lock()
        self._profiles: dict[tuple[str, str | None], Profile] = {}

    def _words(self, text: str) -> list[str]:
        kept = (
            w
            for w in self.segmenter.words(text)
            if w.isalpha() and w not in STOP_WORDS and w not in PLACE_WORDS
        )
        return list(dict.fromkeys(w for w in kept if not (len(w) == 1 and w in STOP_CHARS)))

    @staticmethod
    def _chars(words: Iterable[str]) -> set[str]:
        return {c for w in words for c in w if c not in STOP_CHARS and c not in PLACE_CHARS}

    def _weights(self) -> dict[str, float]:
        if self._idf is None:
            with self._lock:
                if self._idf is None:
                    documents = list(self._documents or corpus_texts())
                    counts: dict[str, int] = {}
                    for text in documents:
                        for char in self._chars(self._words(normalize(text))):
                            counts[char] = counts.get(char, 0) + 1
                    total = len(documents) + 1
                    self._unknown = math.log(total) + 1.0
                    self._idf = {c: math.log(total / (n + 1)) + 1.0 for c, n in counts.items()}
        return self._idf

    def ready(self) -> Similarity:
        """Count the document frequencies now (about a second), not at the first comparison."""
        self._weights()
        return self

    def profile(self, text: str, place: str | None = None) -> Profile:
        """The comparable form of ``text``; ``place`` (a recognised place name) is left out.
        Remembered: the open tickets of a grid are compared with every new report."""
        key = (text, place)
        found = self._profiles.get(key)
        if found is None:
            if len(self._profiles) >= PROFILES_KEPT:
                self._profiles.clear()
            found = self._profiles[key] = self._profile(text, place)
        return found

    def _profile(self, text: str, place: str | None) -> Profile:
        idf, clean = self._weights(), normalize(text)
        if place:
            clean = clean.replace(normalize(place), " ")
        words = self._words(mask_for_matching(clean))
        chars = {c: idf.get(c, self._unknown) for c in self._chars(words)}
        return Profile(tuple(words), chars, address_numbers(normalize(text)))

    def compare(self, a: Profile | str, b: Profile | str) -> Match:
        """The similarity of two messages (or profiles) with what they share, rarest first."""
        first = a if isinstance(a, Profile) else self.profile(a)
        second = b if isinstance(b, Profile) else self.profile(b)
        found = conflict(first.numbers, second.numbers)
        return Match(self.score(first, second), _shared(first, second), found)

    @staticmethod
    def score(first: Profile, second: Profile) -> float:
        """The similarity alone (what :meth:`compare` reports as ``score``), without working
        out the shared words to show: for scanning many candidates."""
        if conflict(first.numbers, second.numbers):
            return 0.0
        return round(overlap(first.chars, second.chars), 4)


def _shared(first: Profile, second: Profile) -> tuple[str, ...]:
    """What to show: the words of the first message that hold shared characters, most shared
    weight first (so a resident sees their own words), else the shared characters."""
    common = {c: w for c, w in first.chars.items() if c in second.chars and not c.isdigit()}
    common.pop("号", None)

    def shared_weight(word: str) -> float:
        return sum(common.get(c, 0.0) for c in set(word))

    words = [w for w in first.words if len(w) > 1 and shared_weight(w) > 0]
    words.sort(key=lambda w: (-shared_weight(w), w))
    return tuple(words[:SHOWN_TERMS] or sorted(common, key=lambda c: -common[c])[:SHOWN_TERMS])


_default: Similarity | None = None
_default_lock = threading.Lock()


def default_similarity(segmenter: Segmenter | None = None) -> Similarity:
    """The shared comparer (on ``segmenter`` the first time, e.g. the classifier's)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Similarity(segmenter)
    return _default
