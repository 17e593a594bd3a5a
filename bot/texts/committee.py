"""PLACEHOLDER: the committee texts, Simplified Chinese and English (same keys in both)."""

ZH: dict[str, str] = {}
EN: dict[str, str] = {}
