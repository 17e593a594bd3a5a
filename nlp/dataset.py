"""Labelled CSV files: ``label,text`` with an optional ``title`` column."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


class DatasetError(ValueError):
    """The file cannot be used as a labelled data set; the message says why."""


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message."""

    label: str
    text: str


def read_examples(path: Path) -> list[Example]:
    """Read a labelled CSV (UTF-8, with or without BOM); title, if present, precedes the text."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError as exc:
        raise DatasetError(f"file not found: {path}") from exc
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror}") from exc
    with handle:
        try:
            reader = csv.DictReader(handle)
            columns = [c.strip().lower() for c in reader.fieldnames or []]
            if not columns:
                raise DatasetError(f"empty file: {path}")
            missing = [c for c in ("label", "text") if c not in columns]
            if missing:
                raise DatasetError(f"{path}: no {' or '.join(missing)} column (need label,text)")
            reader.fieldnames = columns
            examples = [_example(row) for row in reader]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise DatasetError(f"{path}: not a UTF-8 CSV file ({exc})") from exc
    examples = [e for e in examples if e.label]
    if not examples:
        raise DatasetError(f"empty file: {path} has no labelled rows")
    return examples


def _example(row: dict[str, str | None]) -> Example:
    text = (row.get("text") or "").strip()
    title = (row.get("title") or "").strip()
    if title and not text.startswith(title):
        text = f"{title}。{text}"
    return Example((row.get("label") or "").strip(), text)
