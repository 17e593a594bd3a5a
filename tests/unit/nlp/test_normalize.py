"""Normalisation makes one canonical form without losing the meaning or the spans."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from nlp.normalize import (
    IDEOGRAPHS,
    MAX_CLASSIFY_CHARS,
    mask_for_matching,
    normalize,
    normalize_fully,
)


def test_full_width_letters_and_digits_become_half_width() -> None:
    assert normalize("ＡＢＣ１２３号") == "abc123号"


def test_traditional_characters_become_simplified() -> None:
    assert normalize("樓上漏水，電動車在樓道充電") == "楼上漏水,电动车在楼道充电"


def test_zero_width_bidi_and_control_characters_are_removed() -> None:
    assert normalize("垃\u200b圾\u202e桶\u0007满了\ufeff") == "垃圾桶满了"


def test_runs_of_spaces_collapse_and_ends_are_trimmed() -> None:
    assert normalize("  路灯\u3000\u3000坏了  ") == "路灯 坏了"


def test_emoji_are_kept() -> None:
    assert normalize("垃圾😡😡") == "垃圾😡😡"


def test_very_long_input_is_capped_not_refused() -> None:
    assert len(normalize("垃" * 100_000)) == MAX_CLASSIFY_CHARS


def test_phone_numbers_and_urls_are_blanked_keeping_length() -> None:
    text = normalize("请联系13800138000或看https://example.com/a?b=1谢谢")
    masked = mask_for_matching(text)
    assert len(masked) == len(text)
    assert "13800138000" not in masked and "example" not in masked
    assert masked.startswith("请联系") and masked.endswith("谢谢")


def test_landline_with_area_code_is_blanked() -> None:
    assert "010-12345678" not in mask_for_matching("电话010-12345678")


def test_empty_text_stays_empty() -> None:
    assert normalize("") == "" and normalize("\u200b \u200b") == ""


def test_every_cjk_ideograph_is_unchanged_by_nfkc_and_lower_casing() -> None:
    """The fast path of plain messages relies on this for the whole ideograph block."""
    first, last = IDEOGRAPHS
    block = "".join(chr(code) for code in range(first, last + 1))
    assert unicodedata.normalize("NFKC", block) == block
    assert block.lower() == block


_PLAIN_SAMPLE = (
    "垃圾桶满了楼道漏水電動車樓上開會著火看著名ＡＢＣｘｙｚ１２３，。！？：；（）「」【】、…"
    "‘’“”　 \nABCxyz123,.!?-~"
)


@given(st.text(alphabet=_PLAIN_SAMPLE, max_size=60))
def test_the_fast_path_gives_what_the_full_steps_give(text: str) -> None:
    assert normalize(text) == normalize_fully(text)


@given(st.text(max_size=40))
def test_any_text_gives_what_the_full_steps_give(text: str) -> None:
    assert normalize(text) == normalize_fully(text)
