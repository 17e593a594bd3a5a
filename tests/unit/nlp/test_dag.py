"""The fast dictionary cut is exactly jieba's ``cut(HMM=False)`` with the same dictionary."""

import csv
from pathlib import Path

import pytest

from nlp import default_classifier
from nlp.normalize import mask_for_matching, normalize

DATA = Path(__file__).parents[2] / "data"


def texts() -> list[str]:
    found: list[str] = []
    for name in ("devset.csv", "alt_test.csv"):
        with (DATA / name).open(encoding="utf-8") as handle:
            found.extend(row["text"] for row in csv.DictReader(handle))
    return [*found, "", " ", "abc 123 def", "\n\t", "ABC123中文abc", "a+b#c&d.e_f%g-h", "😀楼道😀"]


@pytest.mark.parametrize("prepare", [lambda t: t, lambda t: mask_for_matching(normalize(t))])
def test_the_fast_cut_equals_jieba_on_every_text(prepare: object) -> None:
    segmenter = default_classifier().segmenter
    jieba_tokenizer = segmenter.ready()
    cutter = segmenter._cutter
    assert cutter is not None
    for text in map(prepare, texts()):  # type: ignore[arg-type]
        assert cutter.cut(text) == list(jieba_tokenizer.cut(text, HMM=False)), text
