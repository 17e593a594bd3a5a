"""Word segmentation with a private jieba tokenizer and the community dictionary.

Never uses the global ``jieba.dt``: each :class:`Segmenter` owns a ``jieba.Tokenizer``, loaded
lazily (thread-safe) on first use, with jieba's cache in a known writable directory
(``GRIDVOICE_CACHE_DIR``, else ``$XDG_CACHE_HOME/gridvoice``, else ``~/.cache/gridvoice``, else
the system temp directory).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from nlp.dag import DagCutter

COMMUNITY_DICTIONARY = "community_dict.txt"
_KEYWORD_FREQ = 20000


class Token(NamedTuple):
    """One word of a segmented text with its character span ``[start, end)``."""

    text: str
    start: int
    end: int


def cache_dir() -> Path:
    """The directory where jieba keeps its prefix-dictionary cache (created if needed)."""
    candidates: list[Path] = []
    if env := os.environ.get("GRIDVOICE_CACHE_DIR"):
        candidates.append(Path(env))
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        candidates.append(Path(xdg) / "gridvoice")
    candidates.append(Path.home() / ".cache" / "gridvoice")
    candidates.append(Path(tempfile.gettempdir()) / "gridvoice-cache")
    for path in candidates:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(path, os.W_OK):
            return path
    return Path(tempfile.gettempdir())


def community_dictionary_path() -> Path:
    """The community user dictionary shipped with the package."""
    return Path(str(resources.files("nlp") / "data" / COMMUNITY_DICTIONARY))


def _save_atomically(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` through a temporary file (readers never see half of it);
    a cache that cannot be written is only slower next time."""
    try:
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        logging.getLogger(__name__).debug("could not save %s", path, exc_info=True)


class Segmenter:
    """Splits simplified Chinese text into :class:`Token` s; extra words are never split."""

    def __init__(self, extra_words: Iterable[str] = (), *, hmm: bool = False) -> None:
        self._extra_words = tuple(sorted({w for w in extra_words if w.strip()}))
        self._hmm = hmm
        self._tokenizer: Any = None
        self._cutter: DagCutter | None = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = str(cache_dir())
        saved = cache_dir() / f"segmenter-{self._fingerprint(jieba.__version__)}.json"
        try:
            tokenizer.FREQ, tokenizer.total = json.loads(saved.read_text(encoding="utf-8"))
            tokenizer.initialized = True
            return tokenizer
        except (OSError, ValueError, TypeError):
            pass  # not saved yet (or damaged): build it and save it
        tokenizer = self._build(tokenizer)
        _save_atomically(saved, json.dumps([tokenizer.FREQ, tokenizer.total], ensure_ascii=False))
        return tokenizer

    def _fingerprint(self, jieba_version: str) -> str:
        """What the finished dictionary depends on: jieba, the community dictionary, the words."""
        digest = hashlib.sha256(jieba_version.encode())
        digest.update(community_dictionary_path().read_bytes())
        digest.update("\n".join(self._extra_words).encode())
        return digest.hexdigest()[:16]

    def _build(self, tokenizer: Any) -> Any:
        """jieba's dictionary, the community dictionary and the extra words (about 2 s)."""
        tokenizer.initialize()
        with community_dictionary_path().open("rb") as dictionary:
            tokenizer.load_userdict(dictionary)
        for word in self._extra_words:
            if " " not in word and tokenizer.FREQ.get(word, 0) < _KEYWORD_FREQ:
                tokenizer.add_word(word, freq=_KEYWORD_FREQ)
        return tokenizer

    def ready(self) -> Any:
        """Load the tokenizer if it is not loaded yet and return it."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    tokenizer = self._load()
                    self._cutter = None if self._hmm else DagCutter(tokenizer)
                    self._tokenizer = tokenizer
        return self._tokenizer

    def _cut(self, text: str) -> list[str]:
        tokenizer = self.ready()
        if self._cutter is not None:
            return self._cutter.cut(text)
        return list(tokenizer.cut(text, HMM=True))

    def words(self, text: str) -> list[str]:
        """Segment ``text`` into words (whitespace dropped)."""
        return [w for w in self._cut(text) if not w.isspace()]

    def split(self, text: str) -> tuple[list[str], list[int]]:
        """Segment ``text`` into words and the offset where each starts (whitespace dropped)."""
        pieces = self._cut(text)
        offsets = list(accumulate(map(len, pieces), initial=0))
        if " " not in text and "\n" not in text and "\t" not in text:
            return pieces, offsets
        kept = [i for i, piece in enumerate(pieces) if not piece.isspace()]
        return [pieces[i] for i in kept], [offsets[i] for i in kept]

    def tokens(self, text: str) -> list[Token]:
        """Segment ``text`` into tokens with character spans (whitespace dropped)."""
        words, starts = self.split(text)
        return [
            Token(word, start, start + len(word)) for word, start in zip(words, starts, strict=True)
        ]
