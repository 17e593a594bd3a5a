"""The segmenter is private, keeps community words whole and reports exact spans."""

from pathlib import Path

import jieba
import pytest

from nlp.tokenizer import Segmenter, cache_dir


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter(["占道摆摊儿"])


@pytest.mark.parametrize(
    "term", ["居住证", "空挂户", "网格员", "小吃街", "消防通道", "煤气罐", "群租房"]
)
def test_community_terms_stay_one_word(segmenter: Segmenter, term: str) -> None:
    assert term in segmenter.words(f"我想问一下{term}的事情")


def test_extra_words_are_not_split(segmenter: Segmenter) -> None:
    assert "占道摆摊儿" in segmenter.words("门口有人占道摆摊儿")


def test_the_global_jieba_dictionary_is_untouched(segmenter: Segmenter) -> None:
    segmenter.words("门口有人占道摆摊儿")
    assert "占道摆摊儿" not in jieba.dt.FREQ


def test_token_spans_cover_the_text_exactly(segmenter: Segmenter) -> None:
    text = "楼道里 电动车充电, abc 123 😀 很危险"
    tokens = segmenter.tokens(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert "".join(t.text for t in tokens) == text.replace(" ", "")


def test_cache_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDVOICE_CACHE_DIR", str(tmp_path / "cache"))
    assert cache_dir() == tmp_path / "cache"
    assert (tmp_path / "cache").is_dir()


def test_the_finished_dictionary_is_saved_once_and_read_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDVOICE_CACHE_DIR", str(tmp_path))
    text = "楼道里电动车飞线充电，占道经营的小吃街油烟很大"
    built = Segmenter(["飞线充电"])
    expected = built.words(text)
    [saved] = tmp_path.glob("segmenter-*.json")
    assert Segmenter(["飞线充电"]).words(text) == expected  # read from the saved file
    saved.write_text("[not json", encoding="utf-8")  # damaged: built again, not trusted
    assert Segmenter(["飞线充电"]).words(text) == expected
    assert "飞线充电" in expected
