"""Importing optional parts on demand: channels and services not written or installed yet."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

PACKAGES = {"telegram": "python-telegram-bot", "aiogram": "aiogram"}
"""Third-party import names of the channels → the distribution to install."""


class MissingPackage(RuntimeError):
    """A third-party package needed by the chosen channel is not installed."""


def load_entry(module: str, attribute: str = "main") -> Callable[..., Any] | None:
    """``module.attribute``, imported now; None if that module (or its package) does not exist.

    A missing Telegram library raises :class:`MissingPackage`; other import errors propagate.
    """
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (module == exc.name or module.startswith(f"{exc.name}.")):
            return None
        top = (exc.name or "").partition(".")[0]
        if top in PACKAGES:
            raise MissingPackage(
                f"{PACKAGES[top]} is not installed: pip install {PACKAGES[top]}"
            ) from exc
        raise
    entry: Callable[..., Any] = getattr(loaded, attribute)
    return entry
