"""Routing rules: which staff member handles a ticket, who is informed, and why.

The chain is: the routed role (in the ticket's grid, or the social worker with the routed
specialty) → the fallback role (the grid leader by default) → the committee chair.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import model_validator

from bot.community.common import CATEGORY_CODES, GRID_ROLES, FrozenModel, Role

if TYPE_CHECKING:
    from bot.community.schema import Community, StaffMember


class Route(FrozenModel):
    """A role, written ``police``; social workers may add a specialty: ``social_worker/youth``."""

    role: Role
    specialty: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            role, _, specialty = value.strip().partition("/")
            return {"role": role.strip(), "specialty": specialty.strip() or None}
        return value

    def __str__(self) -> str:
        return f"{self.role}/{self.specialty}" if self.specialty else str(self.role)


class RouteStep(StrEnum):
    ROUTED = "routed"  # the role the category is routed to
    FALLBACK = "fallback"  # that role is missing or the category is unrouted
    CHAIR = "chair"  # nobody else fits: the committee chair


@dataclass(frozen=True)
class RouteDecision:
    """Who handles a ticket (staff names), who is informed, and the reason in plain English."""

    category: str
    grid: str | None
    assignee: str
    role: Role
    step: RouteStep
    informed: tuple[str, ...]
    reason: str


def decide_route(community: Community, category: str, grid_code: str | None) -> RouteDecision:
    """Route a ticket of ``category`` in ``grid_code`` (None when the grid is unknown).

    Raises ValueError for an unknown category and KeyError for an unknown grid.
    """
    if category not in CATEGORY_CODES:
        raise ValueError(f"unknown category {category!r}")
    if grid_code is not None:
        community.grid(grid_code)
    fallback = community.routing.fallback
    routed = community.routing.categories.get(category)
    chain = [(RouteStep.ROUTED, routed)] if routed is not None else []
    if routed != fallback:
        chain.append((RouteStep.FALLBACK, fallback))
    for step, route in chain:
        person = _find(community, route, grid_code)
        if person is not None:
            role = Role.GRID_LEADER if route.role is Role.GRID_LEADER else person.role
            reason = _reason(category, routed, step, route, grid_code)
            return _decision(community, category, grid_code, person, role, step, reason)
    reason = _reason(category, routed, RouteStep.CHAIR, fallback, grid_code)
    chair = community.chair()
    return _decision(community, category, grid_code, chair, Role.CHAIR, RouteStep.CHAIR, reason)


def _reason(
    category: str, routed: Route | None, step: RouteStep, route: Route, grid_code: str | None
) -> str:
    """Explain a decision, e.g. "noise → police in G03: none; fallback to grid_leader"."""
    start = f"{category} → {routed}" if routed else f"{category} is not routed"
    if grid_code is None:
        start += " (grid unknown)"
    elif routed is None or routed.role is not Role.SOCIAL_WORKER:
        start += f" in {grid_code}"
    if step is RouteStep.ROUTED:
        return start
    if step is RouteStep.FALLBACK:
        return f"{start}{'' if routed is None else ': none'}; fallback to {route}"
    if routed is None:
        return f"{start}; no {route} either; the chair takes it"
    nor = f", nor {route}" if routed != route else ""
    return f"{start}: none{nor}; the chair takes it"


def _decision(
    community: Community,
    category: str,
    grid_code: str | None,
    person: StaffMember,
    role: Role,
    step: RouteStep,
    reason: str,
) -> RouteDecision:
    informed: list[str] = []
    for inform_role in community.routing.inform:
        for other in _everyone(community, Route(role=inform_role), grid_code):
            if other.name != person.name and other.name not in informed:
                informed.append(other.name)
    return RouteDecision(category, grid_code, person.name, role, step, tuple(informed), reason)


def _find(community: Community, route: Route, grid_code: str | None) -> StaffMember | None:
    """The first staff member (in file order) who fills ``route`` for the grid."""
    return next(iter(_everyone(community, route, grid_code)), None)


def _everyone(community: Community, route: Route, grid_code: str | None) -> tuple[StaffMember, ...]:
    """Every staff member who fills ``route`` for the grid."""
    if route.role is Role.CHAIR:
        return (community.chair(),)
    if route.role is Role.SOCIAL_WORKER:
        return community.social_workers(route.specialty)
    if grid_code is None:
        return ()
    members = community.members_of(grid_code)
    if route.role is Role.GRID_LEADER:
        return tuple(m for m in members if m.grid_leader)
    assert route.role in GRID_ROLES
    return tuple(m for m in members if m.role is route.role)
