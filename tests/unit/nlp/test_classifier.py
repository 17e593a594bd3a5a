"""The classifier answers with a category a grid member can check: why, how sure, what else."""

import pytest

from nlp import DEFAULT_CODES, OTHER, classify, load_taxonomy


def test_default_taxonomy_has_exactly_the_fourteen_codes() -> None:
    assert load_taxonomy().codes == DEFAULT_CODES


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("楼下垃圾桶满了好几天没人清理，臭死了", "environment"),
        ("楼上半夜装修电钻声吵得睡不着", "noise"),
        ("小吃街摊贩占道经营，路都走不了", "street_order"),
        ("楼道里有人给电动车飞线充电", "fire_safety"),
        ("我的电动车电瓶昨晚被偷了", "public_security"),
        ("房东不退押金还骂人", "dispute"),
        ("路灯坏了，晚上黑乎乎的", "housing_infra"),
        ("想问一下低保怎么申请", "social_security"),
        ("居住证到期了怎么续签", "migrant_services"),
        ("孩子打疫苗去哪个社区医院", "health_family"),
        ("孩子天天打游戏不上学，我管不了", "youth_psych"),
        ("我是独居老人，想问问老年食堂在哪", "elderly_care"),
        ("建议社区多搞点书法班活动", "community_activity"),
    ],
)
def test_typical_messages_get_their_category(text: str, code: str) -> None:
    assert classify(text).category == code


def test_matched_keywords_carry_weights_and_spans_into_the_normalised_text() -> None:
    result = classify("垃圾桶满了没人清理")
    assert result.keywords
    for keyword in result.keywords:
        assert keyword.weight > 0
        for start, end in keyword.spans:
            assert result.text[start:end] in (keyword.term, *keyword.term.split())


def test_confidence_is_a_probability_and_alternatives_are_three() -> None:
    result = classify("楼道里堆满杂物，消防通道被堵")
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.alternatives) == 3
    assert result.alternatives[0][1] >= result.alternatives[1][1] >= result.alternatives[2][1]


@pytest.mark.parametrize("text", ["你好", "谢谢", "在吗", "😀😀😀", "asdfgh", ""])
def test_messages_without_evidence_are_other_with_alternatives(text: str) -> None:
    result = classify(text)
    assert result.category == OTHER
    assert result.low_confidence
    assert len(result.alternatives) == 3 and OTHER not in dict(result.alternatives)


def test_traditional_characters_classify_like_simplified() -> None:
    assert (
        classify("樓上漏水，天花板都濕了").category == classify("楼上漏水，天花板都湿了").category
    )


def test_ten_thousand_characters_are_classified_from_their_beginning() -> None:
    result = classify("楼道里堆满了垃圾。" + "啊" * 10_000)
    assert result.category == "environment"
    assert result.truncated


def test_json_shape_is_stable() -> None:
    data = classify("路灯坏了").to_json()
    assert set(data) == {
        "category",
        "label",
        "confidence",
        "urgent",
        "urgent_terms",
        "keywords",
        "alternatives",
    }
    assert all(len(pair) == 2 for pair in data["keywords"] + data["alternatives"])
