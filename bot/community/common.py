"""Shared vocabulary of the community file: roles, category codes and configuration problems."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

CATEGORY_CODES: tuple[str, ...] = (
    "environment", "noise", "street_order", "fire_safety", "public_security", "dispute",
    "housing_infra", "social_security", "migrant_services", "health_family", "youth_psych",
    "elderly_care", "community_activity", "other",
)  # fmt: skip


class Role(StrEnum):
    """What a staff member does. ``GRID_LEADER`` is a flag in the file, never a person's role."""

    GRID_LEADER = "grid_leader"
    STREET_OFFICIAL = "street_official"
    COMMITTEE = "committee"
    POLICE = "police"
    SOCIAL_WORKER = "social_worker"
    CHAIR = "chair"


GRID_ROLES = frozenset({Role.STREET_OFFICIAL, Role.COMMITTEE, Role.POLICE})
"""Roles of grid members: each person with one of these belongs to exactly one grid."""


class FrozenModel(BaseModel):
    """Base of every configuration model: immutable, and unknown keys are errors (typos)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ConfigProblems(ValueError):
    """Problems found by a validator, each as (path relative to the validated value, message).

    The loader joins the relative path to pydantic's location, so the reader sees
    ``staff[3].grid: unknown grid 'G12'`` rather than a bare message.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {msg}" if path else msg for path, msg in problems))
        self.problems = problems


def raise_problems(problems: list[tuple[str, str]]) -> None:
    """Raise :class:`ConfigProblems` if there is anything to report."""
    if problems:
        raise ConfigProblems(problems)
