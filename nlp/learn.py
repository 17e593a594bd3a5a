"""Learn a keyword model from labelled messages (any label set).

With scikit-learn installed (the ``train`` extra) the weights come from an L2-regularised
multinomial logistic regression over binary word and bigram features scaled by
``1/sqrt(number of terms)`` — exactly how :meth:`KeywordModel.scores` reads them back. Without
it, smoothed log-count ratios (a naive-Bayes keyword model) are used. Either way the model file
is plain per-term weights. When the labels are the taxonomy's codes, the share of the curated
keywords is chosen on a held-out fifth of the data.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from nlp.classifier import Classifier
from nlp.dataset import Example
from nlp.metrics import evaluate
from nlp.model import KeywordModel, features
from nlp.normalize import mask_for_matching, normalize

MIN_DOCUMENTS = 1
"""A term must occur in at least this many messages to be kept."""
MIN_WEIGHT = 0.01
REGULARISATION_C = 20.0
CURATED_SHARES = (0.2, 0.35, 0.5, 0.65, 0.8)

Fitter = Callable[[list[list[str]], list[str]], KeywordModel]


def message_terms(classifier: Classifier, text: str) -> list[str]:
    """The terms of a message, exactly as the classifier sees them."""
    return features(classifier.segmenter.words(mask_for_matching(normalize(text))))


def _vocabulary(documents: Sequence[Sequence[str]]) -> dict[str, int]:
    counts = Counter(term for doc in documents for term in set(doc))
    kept = sorted(term for term, n in counts.items() if n >= MIN_DOCUMENTS)
    return {term: i for i, term in enumerate(kept)}


def _sparse_weights(rows: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {
        t: {k: round(v, 4) for k, v in row.items() if abs(v) >= MIN_WEIGHT}
        for t, row in rows.items()
    }


def fit_logistic(documents: list[list[str]], labels: list[str]) -> KeywordModel:
    """Multinomial logistic regression over scaled binary features (needs scikit-learn)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(documents)
    data, indices, pointers = [], [], [0]
    for doc in documents:
        scale = 1.0 / math.sqrt(len(doc)) if doc else 0.0
        columns = sorted({vocabulary[t] for t in doc if t in vocabulary})
        indices.extend(columns)
        data.extend([scale] * len(columns))
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


def _choose_curated_share(
    classifier: Classifier, examples: Sequence[Example], fitter: Fitter
) -> float:
    shuffled = list(examples)
    random.Random(7).shuffle(shuffled)
    cut = max(1, len(shuffled) // 5)
    held, rest = shuffled[:cut], shuffled[cut:]
    if len({e.label for e in rest}) < 2:
        return 0.5
    model = fitter([message_terms(classifier, e.text) for e in rest], [e.label for e in rest])
    best, best_f1 = 0.5, -1.0
    for share in CURATED_SHARES:
        trial = Classifier(
            classifier.taxonomy, _with_share(model, share), segmenter=classifier.segmenter
        )
        f1 = evaluate(
            [e.label for e in held], [trial.classify(e.text).category for e in held]
        ).macro_f1
        if f1 > best_f1:
            best, best_f1 = share, f1
    return best


def _with_share(model: KeywordModel, share: float) -> KeywordModel:
    return KeywordModel(model.labels, model.bias, model.weights, model.method, share)


def train(
    examples: Sequence[Example], *, base: Classifier | None = None, fitter: Fitter | None = None
) -> KeywordModel:
    """Learn a keyword model from ``examples``; blends with the taxonomy when labels match it."""
    if len({e.label for e in examples}) < 2:
        raise ValueError("training needs at least two different labels")
    base = base or Classifier()
    fitter = fitter or default_fitter()
    documents = [message_terms(base, e.text) for e in examples]
    model = fitter(documents, [e.label for e in examples])
    if set(model.labels) <= set(base.taxonomy.codes):
        return _with_share(model, _choose_curated_share(base, examples, fitter))
    return model


def top_terms(model: KeywordModel, label: str, limit: int = 10) -> list[tuple[str, float]]:
    """The strongest positive terms of ``label``."""
    ranked = [(t, row[label]) for t, row in model.weights.items() if row.get(label, 0) > 0]
    return sorted(ranked, key=lambda item: -item[1])[:limit]
