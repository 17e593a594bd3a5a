"""The category taxonomy: a committee-editable YAML file of categories and weighted keywords."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (ten times faster), else the Python one."""

DEFAULT_TAXONOMY = "taxonomy.yaml"
OTHER = "other"
DEFAULT_CODES = (
    "environment", "noise", "street_order", "fire_safety", "public_security", "dispute",
    "housing_infra", "social_security", "migrant_services", "health_family", "youth_psych",
    "elderly_care", "community_activity", "other",
)  # fmt: skip


class TaxonomyError(ValueError):
    """The taxonomy file is missing or malformed; the message names the field."""


@dataclass(frozen=True)
class Category:
    """One kind of problem: its code, labels, boundary and keywords (term → weight)."""

    code: str
    label: str
    label_en: str = ""
    definition: str = ""
    keywords: Mapping[str, float] = field(default_factory=dict)
    negative: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Taxonomy:
    """An ordered set of categories."""

    categories: tuple[Category, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    def get(self, code: str) -> Category | None:
        """The category with this code, if any."""
        return next((c for c in self.categories if c.code == code), None)

    def label(self, code: str) -> str:
        """The Chinese label of ``code`` (the code itself if unknown)."""
        category = self.get(code)
        return category.label if category else code

    def terms(self) -> set[str]:
        """Every keyword and phrase part, for the segmenter's dictionary."""
        words: set[str] = set()
        for category in self.categories:
            for term in (*category.keywords, *category.negative):
                words.update(term.split())
        return words


def data_path(name: str) -> Path:
    """A data file shipped with the package."""
    return Path(str(resources.files("nlp") / "data" / name))


def default_taxonomy_path() -> Path:
    """The taxonomy file shipped with the package."""
    return data_path(DEFAULT_TAXONOMY)


def _weights(raw: Any, where: str) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{where}: expected a mapping of term: weight")
    weights: dict[str, float] = {}
    for term, weight in raw.items():
        term_text = " ".join(str(term).split())
        if not term_text:
            raise TaxonomyError(f"{where}: empty term")
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise TaxonomyError(f"{where}.{term_text}: weight must be a number, got {weight!r}")
        if not 0 < float(weight) <= 10:
            raise TaxonomyError(f"{where}.{term_text}: weight must be in (0, 10], got {weight}")
        weights[term_text.lower()] = float(weight)
    return weights


def _category(raw: Any, index: int) -> Category:
    where = f"categories[{index}]"
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{where}: expected a mapping")
    for key in ("code", "label"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise TaxonomyError(f"{where}.{key}: required text")
    code = raw["code"].strip()
    where = f"categories[{index}] ({code})"
    return Category(
        code=code,
        label=raw["label"].strip(),
        label_en=str(raw.get("label_en") or ""),
        definition=str(raw.get("definition") or ""),
        keywords=_weights(raw.get("keywords"), f"{where}.keywords"),
        negative=_weights(raw.get("negative"), f"{where}.negative"),
    )


def parse_taxonomy(data: Any) -> Taxonomy:
    """Build a :class:`Taxonomy` from parsed YAML, raising :class:`TaxonomyError` on problems."""
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise TaxonomyError("categories: required list of categories")
    categories = tuple(_category(raw, i) for i, raw in enumerate(data["categories"]))
    if not categories:
        raise TaxonomyError("categories: the list is empty")
    seen: set[str] = set()
    for category in categories:
        if category.code in seen:
            raise TaxonomyError(f"categories: duplicate code {category.code!r}")
        seen.add(category.code)
    return Taxonomy(categories)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read a taxonomy file (the shipped default when ``path`` is None)."""
    path = path or default_taxonomy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaxonomyError(f"cannot read taxonomy file {path}: {exc.strerror}") from exc
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML: {exc}") from exc
    return parse_taxonomy(data)
