"""Every user-facing string, short and plain: Simplified Chinese first, English second."""

from __future__ import annotations

from bot.texts import committee, duplicates, export, open311, privacy
from bot.texts.en import EN as EN_CORE
from bot.texts.zh import ZH as ZH_CORE

ZH: dict[str, str] = {
    **ZH_CORE,
    **committee.ZH,
    **duplicates.ZH,
    **export.ZH,
    **open311.ZH,
    **privacy.ZH,
}
EN: dict[str, str] = {
    **EN_CORE,
    **committee.EN,
    **duplicates.EN,
    **export.EN,
    **open311.EN,
    **privacy.EN,
}
LANGUAGES = {"zh": ZH, "en": EN}
DEFAULT_LANGUAGE = "zh"


def text(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The string ``key`` in ``lang`` (falling back to Chinese) with ``values`` filled in."""
    table = LANGUAGES.get(lang, ZH)
    template = table.get(key) or ZH[key]
    return template.format(**values) if values else template
