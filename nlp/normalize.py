"""Text normalisation: one canonical form of a message before it is matched.

Steps, in order: cap the length, NFKC (full-width → half-width), drop control, zero-width and
bidirectional-override characters, traditional → simplified Chinese (OpenCC ``t2s``), collapse
runs of spaces, lower-case Latin letters. ``mask_for_matching`` then blanks URLs and phone
numbers with spaces of the same length, so character spans stay valid.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

MAX_CLASSIFY_CHARS = 2000
"""Only the first this-many characters of a message are classified; the rest is kept, not read."""

_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"  # C0/C1 controls except \t \n \r
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8]"
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+", re.I)
_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)"
)

_converter: Any = None
_traditional: frozenset[str] = frozenset()
_traditional_search: Any = None
_converter_lock = threading.Lock()
_CJK = "".join(chr(code) for code in range(0x3400, 0xA000))


def _t2s() -> Any:
    """The shared OpenCC traditional → simplified converter, built on first use, and the set of
    characters it changes (a message without any of them is not converted: most are simplified)."""
    global _converter, _traditional, _traditional_search
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                converter = opencc.OpenCC("t2s")
                simplified = converter.convert("\n".join(_CJK)).split("\n")
                _traditional = frozenset(
                    a for a, b in zip(_CJK, simplified, strict=False) if a != b
                )
                _traditional_search = re.compile(f"[{''.join(sorted(_traditional))}]").search
                _converter = converter
    return _converter


_ZHE = re.compile("(?<![显土卓编原巨名])著(?![名作者称述录书])")
"""著 that is the particle/verb 着 (著火, 睡著, 看著), not 著 of 著名, 著作, 显著."""


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters and phrases to simplified ones."""
    if text.isascii():
        return text
    converter = _t2s()
    if _traditional_search(text) is None:
        return text
    return _ZHE.sub("着", str(converter.convert(text)))


_PLAIN_RANGES = ((0x0A, 0x0A), (0x20, 0x7E), (0x2018, 0x201D), (0x2026, 0x2026),
                 (0x3000, 0x303F), (0xFF01, 0xFF5E))  # fmt: skip
"""Newline, printable ASCII, curly quotes, the ellipsis, CJK punctuation, full-width forms."""
IDEOGRAPHS = (0x4E00, 0x9FFF)
"""CJK unified ideographs: unchanged by NFKC and by lower-casing (a test checks every one)."""
_PLAIN = re.compile(
    "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in (*_PLAIN_RANGES, IDEOGRAPHS)) + "]*"
)
"""Almost every message is made only of these characters and takes the fast path."""


def _plain_changes() -> dict[str, str]:
    """What NFKC followed by lower-casing makes of each plain character it changes."""
    changes: dict[str, str] = {}
    for first, last in _PLAIN_RANGES:
        for code in range(first, last + 1):
            result = unicodedata.normalize("NFKC", chr(code)).lower()
            if result != chr(code):
                changes[chr(code)] = result
    return changes


_PLAIN_CHANGES = _plain_changes()
_PLAIN_CHANGE = re.compile(f"[{re.escape(''.join(sorted(_PLAIN_CHANGES)))}]")


def _changed(match: re.Match[str]) -> str:
    return _PLAIN_CHANGES[match.group()]


def normalize(text: str, *, max_chars: int | None = MAX_CLASSIFY_CHARS) -> str:
    """Return the canonical form of ``text`` (see module docstring); never raises on size."""
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars]
    if _PLAIN.fullmatch(text):
        # The same steps for plain characters, with a table instead of NFKC and lower(): plain
        # text has no invisible characters, no cased letters but A-Z and no composing marks.
        text = to_simplified(_PLAIN_CHANGE.sub(_changed, text))
        return (_SPACES.sub(" ", text) if "  " in text else text).strip()
    return normalize_fully(text)


def normalize_fully(text: str) -> str:
    """The steps of :func:`normalize` one by one, for any text (the reference of the fast path)."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = to_simplified(text)
    text = _SPACES.sub(" ", text).strip()
    return text.lower()


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


_MAYBE_MASKED = re.compile(r"\d|www\.|https?:", re.I)


def mask_for_matching(text: str) -> str:
    """Blank URLs and phone numbers (same length, so spans are preserved)."""
    if _MAYBE_MASKED.search(text) is None:
        return text
    return _PHONE.sub(_blank, _URL.sub(_blank, text))
