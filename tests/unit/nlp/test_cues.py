"""Urgency and negation: danger now is urgent; denied, hypothetical or past danger is not."""

import gc
import tracemalloc

import pytest

from nlp import classify


@pytest.mark.parametrize(
    "text",
    [
        "楼道着火了！快来人",
        "3号楼冒烟了，好大的烟",
        "饭店里一股煤气味，怕是漏气了",
        "楼下有人打架，还拿着刀",
        "隔壁独居老人摔倒了起不来，家里没人",
        "我不想活了",
        "充电的电动车冒火花了",
        "樓道著火了",
    ],
)
def test_immediate_danger_is_urgent(text: str) -> None:
    assert classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        "不是着火，是楼道堆了很多杂物",
        "没有打架，就是吵得厉害",
        "万一着火了怎么办，消防通道都堵死了",
        "去年那次火灾以后楼道还是堆满东西",
        "小区有火灾隐患，请来检查",
        "路灯坏了好几天了",
        "",
    ],
)
def test_negated_hypothetical_or_past_danger_is_not_urgent(text: str) -> None:
    assert not classify(text).urgent, text


def test_urgent_result_names_the_words_that_triggered_it() -> None:
    assert "着火" in classify("楼道着火了").urgent_terms


def test_denied_category_word_does_not_win() -> None:
    result = classify("不是噪音的问题，是楼下饭店的油烟")
    assert result.category == "environment"
    assert any(k.term == "噪音" for k in result.negated)


def test_endless_new_words_do_not_grow_the_memory() -> None:
    """Names, numbers and codes are each seen once: remembering every one grew the bot by about
    0.8 KB per complaint, without end. The common words are remembered, the rest forgotten."""
    from nlp.memo import TOKEN_MEMO_SIZE

    def complaints(first: int, count: int) -> int:
        for n in range(first, first + count):
            code = "".join(chr(ord("a") + int(d)) for d in f"{n:06d}")
            classify(f"楼道里堆满了杂物，没人清理（{code}）")
        gc.collect()
        return tracemalloc.get_traced_memory()[0]

    tracemalloc.start()  # from the first: what is forgotten later must have been traced
    try:
        warm = complaints(0, TOKEN_MEMO_SIZE + 1_000)  # the memories are full after these
        grown = complaints(TOKEN_MEMO_SIZE + 1_000, 8_000) - warm
    finally:
        tracemalloc.stop()
    assert grown < 2_000_000, f"{grown / 8_000:.0f} bytes kept per complaint"
