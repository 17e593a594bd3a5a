"""Labelled CSVs are read carefully and scored with standard metrics."""

from pathlib import Path

import pytest

from nlp.dataset import DatasetError, read_examples
from nlp.metrics import evaluate


def test_title_column_is_prepended_to_the_text(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("title,label,text\n路灯,infra,坏了\n", encoding="utf-8")
    assert read_examples(path)[0].text == "路灯。坏了"


def test_byte_order_mark_and_upper_case_headers_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("\ufeffLabel,Text\na,x\n", encoding="utf-8")
    assert read_examples(path)[0].label == "a"


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "empty file"), ("label,text\n", "empty file"), ("category,text\na,b\n", "no label")],
)
def test_unusable_files_are_refused_with_a_reason(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        read_examples(path)


def test_metrics_match_a_hand_computed_case() -> None:
    report = evaluate(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert report.accuracy == 0.75
    assert report.per_label["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert report.per_label["b"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert report.macro_f1 == pytest.approx(0.7333, abs=1e-3)
    assert report.confusion == {"a": {"a": 1, "b": 1}, "b": {"b": 2}}
