"""Chinese complaint understanding: normalise, segment, classify, explain, learn.

Pure: no database, no Telegram, nothing loaded at import time. The public surface::

    classify(text, model=None) -> Classification
    Classifier(taxonomy=None, model=None)
    load_taxonomy(path=None), load_model(path), normalize(text)
"""

from __future__ import annotations

import threading
from pathlib import Path

from nlp.classifier import Classification, Classifier, Keyword
from nlp.model import KeywordModel, ModelError, load_model, save_model
from nlp.normalize import normalize
from nlp.taxonomy import DEFAULT_CODES, OTHER, Taxonomy, TaxonomyError, data_path, load_taxonomy

__all__ = [
    "DEFAULT_CODES",
    "OTHER",
    "Classification",
    "Classifier",
    "Keyword",
    "KeywordModel",
    "ModelError",
    "Taxonomy",
    "TaxonomyError",
    "classify",
    "default_classifier",
    "default_model",
    "load_model",
    "load_taxonomy",
    "normalize",
    "save_model",
]

_classifiers: dict[str | None, Classifier] = {}
_lock = threading.Lock()
DEFAULT_MODEL = "default_model.json"


def default_model() -> KeywordModel | None:
    """The keyword model shipped with the package (learned from nlp/corpus), if present."""
    path = data_path(DEFAULT_MODEL)
    return load_model(path) if path.exists() else None


def default_classifier(model: str | Path | None = None) -> Classifier:
    """The shared classifier for the default taxonomy with ``model`` (default: the shipped one)."""
    key = str(model) if model is not None else None
    classifier = _classifiers.get(key)
    if classifier is None:
        with _lock:
            classifier = _classifiers.get(key)
            if classifier is None:
                loaded = load_model(Path(model)) if model is not None else default_model()
                base = _classifiers.get(None)
                segmenter = base.segmenter if base is not None else None
                classifier = Classifier(model=loaded, segmenter=segmenter)
                _classifiers[key] = classifier
    return classifier


def classify(text: str, model: str | Path | None = None) -> Classification:
    """Classify one message with the default taxonomy (blended with ``model`` if given)."""
    return default_classifier(model).classify(text)
