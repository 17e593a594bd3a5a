"""Urgency and negation: danger now is urgent; denied, hypothetical or past danger is not."""

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
