"""``python -m nlp``: classify, eval and train, with one-line errors and exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parents[2] / "data"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nlp", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_classify_json_prints_one_object_per_line() -> None:
    done = run("classify", "--json", stdin="楼道着火了\n路灯坏了\n\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[0]["urgent"] and lines[1]["category"] == "housing_infra"
    assert lines[2]["category"] == "other"


def test_eval_json_has_the_documented_keys() -> None:
    done = run("eval", str(DATA / "devset.csv"), "--json")
    assert done.returncode == 0, done.stderr
    assert {"accuracy", "macro_f1", "per_label", "confusion"} <= set(json.loads(done.stdout))


def test_train_then_classify_and_eval_with_the_model(tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    trained = run("train", str(DATA / "alt_train.csv"), "--out", str(model))
    assert trained.returncode == 0, trained.stderr
    assert "traffic:" in trained.stdout and model.exists()
    evaluated = run("eval", str(DATA / "alt_test.csv"), "--model", str(model), "--json")
    assert json.loads(evaluated.stdout)["macro_f1"] >= 0.8
    classified = run("classify", "--model", str(model), "--json", stdin="公交车太挤了\n")
    assert json.loads(classified.stdout)["category"] == "traffic"


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (("eval", "{missing}"), None, "file not found"),
        (("eval", "{file}"), "category,text\na,b\n", "no label column"),
        (("eval", "{file}"), "label,body\na,b\n", "no text column"),
        (("train", "{file}", "--out", "{out}"), "", "empty file"),
        (("eval", "{file}", "--model", "{model}"), "label,text\na,b\n", "unknown model format"),
    ],
)
def test_bad_input_gets_one_line_and_exit_code_2(
    tmp_path: Path, args: tuple[str, ...], content: str | None, message: str
) -> None:
    file, model = tmp_path / "d.csv", tmp_path / "m.json"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    model.write_text("<xml/>", encoding="utf-8")
    names = {
        "missing": tmp_path / "nope.csv",
        "file": file,
        "out": tmp_path / "o.json",
        "model": model,
    }
    done = run(*(a.format(**names) for a in args))
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
