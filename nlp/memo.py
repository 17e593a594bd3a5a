"""A bounded memory of per-token analyses.

Tokens repeat a lot, so analysing each once pays; but a name, a number or a code is seen once,
and remembering every token grew the bot by about 0.5 KB per complaint without end. The most
recently used analyses are kept, the rest forgotten."""

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

TOKEN_MEMO_SIZE = 4_096
"""Analyses kept per memory: the common words of complaints fit many times over."""

R = TypeVar("R")


def token_memo(analyse: Callable[[str], R]) -> Callable[[str], R]:
    """``analyse`` remembering its last :data:`TOKEN_MEMO_SIZE` tokens."""
    return lru_cache(maxsize=TOKEN_MEMO_SIZE)(analyse)
