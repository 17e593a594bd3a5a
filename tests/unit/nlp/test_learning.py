"""Training learns an explainable keyword model for any label set."""

from pathlib import Path

import pytest

from nlp import Classifier, ModelError, load_model, save_model
from nlp.dataset import read_examples
from nlp.learn import fit_log_odds, fit_logistic, top_terms, train
from nlp.metrics import evaluate

DATA = Path(__file__).parents[2] / "data"


@pytest.fixture(scope="module")
def base() -> Classifier:
    return Classifier()


def _macro_f1(classifier: Classifier, path: Path) -> float:
    examples = read_examples(path)
    predicted = [classifier.classify(e.text).category for e in examples]
    return evaluate([e.label for e in examples], predicted).macro_f1


@pytest.mark.parametrize("fitter", [fit_logistic, fit_log_odds])
def test_a_new_label_set_is_learned_from_data(base: Classifier, fitter: object) -> None:
    model = train(read_examples(DATA / "alt_train.csv"), base=base, fitter=fitter)  # type: ignore[arg-type]
    assert set(model.labels) == {e.label for e in read_examples(DATA / "alt_train.csv")}
    classifier = Classifier(base.taxonomy, model, segmenter=base.segmenter)
    assert _macro_f1(classifier, DATA / "alt_test.csv") >= 0.8


def test_the_model_file_round_trips(base: Classifier, tmp_path: Path) -> None:
    model = train(read_examples(DATA / "alt_train.csv"), base=base)
    save_model(model, tmp_path / "m.json")
    assert load_model(tmp_path / "m.json") == model


def test_learned_terms_explain_a_decision(base: Classifier) -> None:
    model = train(read_examples(DATA / "alt_train.csv"), base=base)
    classifier = Classifier(base.taxonomy, model, segmenter=base.segmenter)
    result = classifier.classify("小区门口公交车站取消了，上班坐车很不方便")
    assert result.category == "traffic"
    assert result.keywords and all(k.weight > 0 for k in result.keywords)
    assert top_terms(model, "traffic")


def test_taxonomy_labels_blend_with_the_curated_keywords(base: Classifier, tmp_path: Path) -> None:
    rows = (
        ["label,text"]
        + [f"noise,隔壁天天嗡嗡响声音{i}" for i in range(6)]
        + [f"environment,门口天天臭烘烘的{i}" for i in range(6)]
    )
    (tmp_path / "t.csv").write_text("\n".join(rows), encoding="utf-8")
    model = train(read_examples(tmp_path / "t.csv"), base=base)
    assert 0.0 <= model.curated_weight <= 1.0
    classifier = Classifier(base.taxonomy, model, segmenter=base.segmenter)
    assert set(classifier.labels) == set(base.taxonomy.codes)
    assert classifier.classify("小区里有人偷电动车").category == "public_security"


def test_one_label_is_not_enough_to_train(base: Classifier, tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("label,text\na,x\na,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="two different labels"):
        train(read_examples(tmp_path / "t.csv"), base=base)


@pytest.mark.parametrize(
    "content",
    ["not json", '{"format": "other"}', '{"format": "gridvoice-keyword-model", "version": 9}'],
)
def test_unknown_model_files_are_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / "m.json").write_text(content, encoding="utf-8")
    with pytest.raises(ModelError):
        load_model(tmp_path / "m.json")
