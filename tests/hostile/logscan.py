"""Every log record of the test session, and a scan of them for personal data and secrets.

The records are taken at INFO (the production default of ``GRIDVOICE_LOG_LEVEL``) from the root
logger, with their tracebacks, for the whole session — not only the hostile tests.
"""

from __future__ import annotations

import logging
import os
import re

from tests.fake_telegram.server import DEFAULT_TOKEN

PATTERNS: dict[str, re.Pattern[str]] = {
    "phone": re.compile(r"(?<![\d.])1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"),
    "id_number": re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),
    "coordinates": re.compile(r"(?<![\d.])-?\d{1,3}\.\d{4,}\s*,\s*-?\d{1,3}\.\d{4,}"),
    "bot_token": re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}"),
}
"""Shapes of personal data: mainland mobile numbers, 18-digit 身份证, a lat,lon pair, a token."""

PERSONAL_WORDS = (
    # names, addresses and places the tests give residents
    "王秀英", "李桂兰", "张建国", "赵淑华", "陈志明",
    "后街12号", "幸福里小区5栋", "鼓楼大街7号", "小吃街38号", "井儿胡同3号",
    "39.94123", "116.39456", "110101199003071234", "13812345678",
)  # fmt: skip
"""Personal data the tests put into the bot; none of it may reach a log."""

SECRETS = (DEFAULT_TOKEN, os.environ.get("TELEGRAM_BOT_TOKEN", ""))
"""The fake Bot API server's token, and a real one if the environment has it."""


class LogRecorder(logging.Handler):
    """A handler keeping every record's full text (message and traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.texts.append(self.format(record))
        except Exception:  # a record that cannot be formatted is still kept, raw
            self.texts.append(f"{record.name}: {record.msg!r} {record.args!r}")


def find_personal_data(texts: list[str], *, extra: tuple[str, ...] = ()) -> list[str]:
    """``kind: excerpt`` for every hit in ``texts``."""
    hits = []
    for text in texts:
        for kind, pattern in PATTERNS.items():
            hits += [f"{kind}: {_excerpt(text, m.start())}" for m in pattern.finditer(text)]
        for word in (*PERSONAL_WORDS, *extra):
            if word and word in text:
                hits.append(f"personal word {word!r}: {_excerpt(text, text.index(word))}")
    return hits


def _excerpt(text: str, at: int, width: int = 60) -> str:
    return text[max(at - width, 0) : at + width].replace("\n", " ")


RECORDER = LogRecorder()
FIGURES: dict[str, int] = {}
"""Counts the hostile tests report at the end of the session (messages sent, presses forged)."""
