"""Addresses, map points and place names in complaints resolve to grids."""

import pytest

from bot.community import Community, find_named_place, load_community, locate_address, locate_point
from bot.community.locate import chinese_number


@pytest.fixture(scope="module")
def sample() -> Community:
    return load_community()


@pytest.mark.parametrize(
    ("text", "grid", "number"),
    [
        ("后街13号", "G03", 13),  # odd side
        ("后街12号", "G04", 12),  # even side
        ("住在后街 12 号", "G04", 12),
        ("后街１２号", "G04", 12),
        ("后街十二号", "G04", 12),
        ("鼓楼巷3号院2单元", "G02", 3),
        ("鼓楼大街99号", "G01", 99),
        ("幸福里小区5栋302", "G08", 5),
        ("幸福里8号楼3单元", "G09", 8),
        ("小吃街第七十号", "G06", 70),
        ("电厂宿舍3号楼", "G10", 3),
        ("我家在钟楼巷", "G07", None),
    ],
)
def test_addresses_resolve_to_their_grid(
    sample: Community, text: str, grid: str, number: int | None
) -> None:
    match = locate_address(sample, text)
    assert match is not None
    assert (match.grid, match.number) == (grid, number)


@pytest.mark.parametrize("text", ["后街120号", "幸福里小区13栋", "小吃街", "后街一带", "火星路1号"])
def test_out_of_range_or_ambiguous_addresses_resolve_to_nothing(
    sample: Community, text: str
) -> None:
    assert locate_address(sample, text) is None


def test_an_address_reports_what_matched(sample: Community) -> None:
    match = locate_address(sample, "幸福里小区5栋302")
    assert match is not None
    assert (match.kind, match.name) == ("estate", "幸福里小区")


def test_a_point_inside_a_polygon_is_in_that_grid(sample: Community) -> None:
    assert locate_point(sample, 39.941, 116.391) == "G01"
    assert locate_point(sample, 39.941, 116.395) == "G02"
    assert locate_point(sample, 39.939, 116.391) == "G05"


def test_a_point_outside_every_polygon_is_in_no_grid(sample: Community) -> None:
    assert locate_point(sample, 39.950, 116.391) is None
    assert locate_point(sample, 39.941, 116.400) is None


def test_the_longest_place_name_wins(sample: Community) -> None:
    match = find_named_place(sample, "小吃街东口有人打架")
    assert match is not None
    assert (match.grid, match.kind, match.name) == ("G05", "landmark", "小吃街东口")
    bell = find_named_place(sample, "钟楼巷口垃圾没人清")
    assert bell is not None and (bell.grid, bell.kind) == ("G07", "street")


def test_a_name_shared_by_several_grids_is_ambiguous(sample: Community) -> None:
    assert find_named_place(sample, "小吃街晚上太吵了") is None
    assert find_named_place(sample, "鼓楼大街有人摆摊") is None


def test_text_without_a_known_place_finds_nothing(sample: Community) -> None:
    assert find_named_place(sample, "楼上漏水") is None


@pytest.mark.parametrize(
    ("text", "value"), [("十二", 12), ("二十", 20), ("一百零五", 105), ("三〇二", 302), ("两", 2)]
)
def test_chinese_numerals_are_read(text: str, value: int) -> None:
    assert chinese_number(text) == value
