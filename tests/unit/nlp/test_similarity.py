"""Duplicate detection text similarity: numbers decide, words explain, quality is measured."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from nlp import default_classifier
from nlp.similarity import DEFAULT_THRESHOLD, Similarity, address_numbers, default_similarity

BENCH = Path(__file__).resolve().parents[3] / "bench" / "bench_duplicates.py"


def bench() -> ModuleType:
    """``bench/bench_duplicates.py`` (not a package): its pairs, split and scores."""
    spec = importlib.util.spec_from_file_location("bench_duplicates", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def similarity() -> Similarity:
    return default_similarity(default_classifier().segmenter)


def test_the_same_problem_in_other_words_scores_above_the_threshold(similarity: Similarity) -> None:
    match = similarity.compare(
        "楼下烧烤店油烟太大，窗户都不敢开", "楼底下那家烧烤摊天天冒烟，油烟全往我家窗户里灌"
    )
    assert match.score >= DEFAULT_THRESHOLD and "油烟" in match.shared


def test_a_different_problem_scores_below_the_threshold(similarity: Similarity) -> None:
    match = similarity.compare("楼下烧烤店油烟太大", "楼下理发店的污水直接往街上泼，一地泡沫")
    assert match.score < DEFAULT_THRESHOLD


def test_different_buildings_are_different_problems_however_alike_the_words(
    similarity: Similarity,
) -> None:
    match = similarity.compare(
        "8号楼楼下垃圾桶满了好几天没人收", "三号楼楼下垃圾桶满了好几天没人收"
    )
    assert match.score == 0.0 and match.conflict == "栋 8≠3"
    assert similarity.compare("5号楼垃圾桶满了", "五号楼垃圾桶满了").score > 0.9


def test_address_numbers_read_chinese_numerals_and_units() -> None:
    assert address_numbers("十二号楼3单元，二十五号院") == {
        "栋": frozenset({12}),
        "单元": frozenset({3}),
        "号": frozenset({25}),
    }


def test_scores_are_symmetric_enough_and_deterministic(similarity: Similarity) -> None:
    a, b = "井盖丢了，很危险", "路口那个井的盖子没了，一个大黑洞"
    assert similarity.compare(a, b) == similarity.compare(a, b)
    assert similarity.compare(a, b).score == similarity.compare(b, a).score


def test_quality_on_the_held_out_half_of_the_labelled_pairs(similarity: Similarity) -> None:
    """The threshold was chosen on the tune half; these figures are on the other half."""
    measure = bench()
    pairs = measure.load_pairs(half="test")
    assert len(pairs) >= 100 and len(measure.load_pairs()) >= 200
    scores = measure.evaluate(pairs, measure.score_pairs(pairs, similarity), DEFAULT_THRESHOLD)
    assert scores.precision >= 0.75 and scores.recall >= 0.8
