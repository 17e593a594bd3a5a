"""The one error the API raises on purpose: a status code and a plain description."""

from __future__ import annotations

from typing import Any


class Open311Problem(Exception):
    """A request the API refuses; rendered as ``[{"code": status, "description": ...}]``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def error_list(status: int, description: str) -> list[dict[str, Any]]:
    """The Open311 error body."""
    return [{"code": status, "description": description}]
