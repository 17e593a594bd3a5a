"""Learn a keyword model from labelled messages (any label set).

With scikit-learn installed (the ``train`` extra) the weights come from an L2-regularised
multinomial logistic regression over word and character-pair counts scaled by
``1/sqrt(number of terms)`` — exactly how :meth:`KeywordModel.scores` reads them back. Without
it, smoothed log-count ratios (a naive-Bayes keyword model) are used. Either way the model file
is plain per-term weights. When the labels are the taxonomy's codes, the weight of the curated
keywords (the scale of their scores next to the learned ones) is chosen on a held-out fifth of
the data.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace

from nlp.classifier import Classifier
from nlp.dataset import Example
from nlp.metrics import evaluate
from nlp.model import KeywordModel, features
from nlp.normalize import mask_for_matching, normalize

LARGE_CORPUS = 2000
"""From this many messages on, a term must occur in two of them to be kept (smaller model)."""
MIN_WEIGHT = 0.1
"""Smaller weights are dropped: they barely change a decision and slow every look-up."""
REGULARISATION_C = 20.0
MIN_HELD_OUT = 50
"""With fewer held-out messages the curated weight is not tuned (it stays 1.0)."""
CURATED_SCALES = (0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6)

Fitter = Callable[[list[list[str]], list[str]], KeywordModel]


def message_terms(classifier: Classifier, text: str, *, chars: bool = True) -> list[str]:
    """The terms of a message, exactly as the classifier sees them."""
    return features(classifier.segmenter.words(mask_for_matching(normalize(text))), chars=chars)


def _vocabulary(documents: Sequence[Sequence[str]]) -> dict[str, int]:
    counts = Counter(term for doc in documents for term in set(doc))
    minimum = 2 if len(documents) >= LARGE_CORPUS else 1
    kept = sorted(term for term, n in counts.items() if n >= minimum)
    return {term: i for i, term in enumerate(kept)}


def _sparse_weights(rows: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {
        t: {k: round(v, 4) for k, v in row.items() if abs(v) >= MIN_WEIGHT}
        for t, row in rows.items()
    }


def fit_logistic(documents: list[list[str]], labels: list[str]) -> KeywordModel:
    """Multinomial logistic regression over term counts scaled by 1/sqrt(#terms) (scikit-learn)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(documents)
    data: list[float] = []
    indices: list[int] = []
    pointers = [0]
    for doc in documents:
        scale = 1.0 / math.sqrt(len(doc)) if doc else 0.0
        counts = Counter(vocabulary[t] for t in doc if t in vocabulary)
        columns = sorted(counts)
        indices.extend(columns)
        data.extend(counts[c] * scale for c in columns)
        pointers.append(len(indices))
    matrix = csr_matrix((data, indices, pointers), shape=(len(documents), len(vocabulary)))
    model = LogisticRegression(C=REGULARISATION_C, max_iter=2000).fit(matrix, labels)
    classes = [str(c) for c in model.classes_]
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2:  # binary: one row of coefficients, for classes[1]
        coef = [[0.0] * coef.shape[1], list(coef[0])]
        intercept = [0.0, float(intercept[0])]
    rows: dict[str, dict[str, float]] = defaultdict(dict)
    for term, column in vocabulary.items():
        for ci, label in enumerate(classes):
            rows[term][label] = float(coef[ci][column])
    bias = {label: round(float(intercept[ci]), 4) for ci, label in enumerate(classes)}
    weights = {t: r for t, r in _sparse_weights(rows).items() if r}
    return KeywordModel(tuple(classes), bias, weights, method="logistic-regression")


def fit_log_odds(documents: list[list[str]], labels: list[str]) -> KeywordModel:
    """Smoothed log-count ratios per label (no extra dependency)."""
    vocabulary = _vocabulary(documents)
    classes = sorted(set(labels))
    doc_counts = Counter(labels)
    term_counts: dict[str, Counter[str]] = {c: Counter() for c in classes}
    for doc, label in zip(documents, labels, strict=True):
        term_counts[label].update(t for t in set(doc) if t in vocabulary)
    rows: dict[str, dict[str, float]] = defaultdict(dict)
    for term in vocabulary:
        logs = {c: math.log((term_counts[c][term] + 0.5) / (doc_counts[c] + 1.0)) for c in classes}
        mean = sum(logs.values()) / len(logs)
        for c in classes:
            rows[term][c] = logs[c] - mean
    total = len(labels)
    bias = {c: round(math.log(doc_counts[c] / total), 4) for c in classes}
    # The scorer divides term sums by sqrt(#terms); typical messages have ~25 terms.
    scaled = {t: {c: w * 5.0 for c, w in r.items()} for t, r in rows.items()}
    weights = {t: r for t, r in _sparse_weights(scaled).items() if r}
    return KeywordModel(tuple(classes), bias, weights, method="log-odds")


def default_fitter() -> Fitter:
    """Logistic regression when scikit-learn is installed, log-odds otherwise."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return fit_log_odds
    return fit_logistic


def _choose_curated_scale(
    classifier: Classifier, examples: Sequence[Example], fitter: Fitter, chars: bool
) -> float:
    shuffled = list(examples)
    random.Random(7).shuffle(shuffled)
    cut = max(1, len(shuffled) // 5)
    held, rest = shuffled[:cut], shuffled[cut:]
    if len(held) < MIN_HELD_OUT or len({e.label for e in rest}) < 2:
        return 1.0
    documents = [message_terms(classifier, e.text, chars=chars) for e in rest]
    model = replace(fitter(documents, [e.label for e in rest]), chars=chars)
    best, best_f1 = 0.5, -1.0
    for scale in CURATED_SCALES:
        trial = Classifier(
            classifier.taxonomy, _with_scale(model, scale), segmenter=classifier.segmenter
        )
        f1 = evaluate(
            [e.label for e in held], [trial.classify(e.text).category for e in held]
        ).macro_f1
        if f1 > best_f1:
            best, best_f1 = scale, f1
    return best


def _with_scale(model: KeywordModel, scale: float) -> KeywordModel:
    return replace(model, curated_weight=scale)


def train(
    examples: Sequence[Example],
    *,
    base: Classifier | None = None,
    fitter: Fitter | None = None,
    chars: bool = True,
) -> KeywordModel:
    """Learn a keyword model from ``examples``; blends with the taxonomy when labels match it.

    ``chars=False`` learns words only: a little less accurate on new wording, faster to apply.
    """
    if len({e.label for e in examples}) < 2:
        raise ValueError("training needs at least two different labels")
    base = base or Classifier()
    fitter = fitter or default_fitter()
    documents = [message_terms(base, e.text, chars=chars) for e in examples]
    model = replace(fitter(documents, [e.label for e in examples]), chars=chars)
    if set(model.labels) <= set(base.taxonomy.codes):
        return _with_scale(model, _choose_curated_scale(base, examples, fitter, chars))
    return model


def top_terms(model: KeywordModel, label: str, limit: int = 10) -> list[tuple[str, float]]:
    """The strongest positive terms of ``label``."""
    ranked = [(t, row[label]) for t, row in model.weights.items() if row.get(label, 0) > 0]
    return sorted(ranked, key=lambda item: -item[1])[:limit]
