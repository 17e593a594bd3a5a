"""The community file as frozen pydantic models, with the checks that span several sections."""

from __future__ import annotations

from collections import Counter
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, field_validator, model_validator

from bot.community.common import CATEGORY_CODES, GRID_ROLES, FrozenModel, Role, raise_problems
from bot.community.limits import LimitKind, Reminders, TimeLimit, TimeLimits, Urgency
from bot.community.patterns import AddressPattern
from bot.community.routing import Route, RouteDecision, decide_route
from bot.community.timing import TimeRange, WorkingHours

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Text = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]


class Grid(FrozenModel):
    """One grid: where it is (addresses, landmarks, optional polygon of [lat, lon] points)."""

    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    name: str = Field(min_length=1)
    landmarks: tuple[str, ...] = ()
    addresses: tuple[AddressPattern, ...] = ()
    polygon: tuple[tuple[Latitude, Longitude], ...] | None = None

    @field_validator("polygon")
    @classmethod
    def _enough_points(
        cls, value: tuple[tuple[float, float], ...] | None
    ) -> tuple[tuple[float, float], ...] | None:
        if value is not None and len(value) < 3:
            raise ValueError(f"a polygon needs at least 3 points, got {len(value)}")
        return value


class StaffMember(FrozenModel):
    """A person who handles tickets; grid members belong to one grid, others to the community."""

    name: str = Field(min_length=1)
    role: Role
    grid: Text | None = None
    grid_leader: bool = False
    specialty: str | None = None
    phone: Text | None = None
    chat_id: int | None = None

    @model_validator(mode="after")
    def _fits_role(self) -> StaffMember:
        problems = []
        if self.role is Role.GRID_LEADER:
            problems.append(("role", "grid_leader is a flag: give the role and grid_leader: true"))
        elif self.role in GRID_ROLES and self.grid is None:
            problems.append(("grid", f"a {self.role} needs a grid"))
        elif self.role not in GRID_ROLES and self.grid is not None:
            problems.append(("grid", f"a {self.role} serves the whole community: remove grid"))
        if self.grid_leader and self.role not in GRID_ROLES:
            problems.append(("grid_leader", f"a {self.role} cannot lead a grid"))
        raise_problems(problems)
        return self


class Routing(FrozenModel):
    """Category → role that handles it; unrouted categories go to ``fallback``."""

    categories: dict[str, Route] = Field(default_factory=dict)
    fallback: Route = Route(role=Role.GRID_LEADER)
    inform: tuple[Role, ...] = (Role.GRID_LEADER,)

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: dict[str, Route]) -> dict[str, Route]:
        known = ", ".join(CATEGORY_CODES)
        unknown = [code for code in value if code not in CATEGORY_CODES]
        raise_problems([(code, f"unknown category {code!r} (known: {known})") for code in unknown])
        return value


class Community(FrozenModel):
    """Everything a community configures: grids, staff, routing, time limits and hours."""

    name: str = Field(min_length=1)
    code: str = Field(pattern=r"^[A-Z]{1,4}$")
    timezone: str = "Asia/Shanghai"
    grids: tuple[Grid, ...] = Field(min_length=1)
    staff: tuple[StaffMember, ...]
    routing: Routing = Field(default_factory=Routing)
    time_limits: TimeLimits = Field(default_factory=TimeLimits)
    quiet_hours: TimeRange = TimeRange.model_validate("22:00-07:00")
    working_hours: WorkingHours = Field(default_factory=WorkingHours)
    reminders: Reminders = Field(default_factory=Reminders)
    retention_days: int = Field(default=365, ge=30, le=3650, strict=True)
    """Days after which closed tickets and quiet residents are anonymised (``privacy purge``);
    at least 30, so a ticket is never erased while it can still be reopened."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r}, e.g. 'Asia/Shanghai'") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Community:
        raise_problems(_cross_check(self))
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def grid(self, code: str) -> Grid:
        """The grid with ``code``; KeyError if there is none."""
        for grid in self.grids:
            if grid.code == code:
                return grid
        raise KeyError(f"unknown grid {code!r}")

    def members_of(self, grid_code: str) -> tuple[StaffMember, ...]:
        """The grid members of a grid, in file order."""
        self.grid(grid_code)
        return tuple(m for m in self.staff if m.grid == grid_code)

    def leader_of(self, grid_code: str) -> StaffMember:
        """The grid leader (exactly one per grid, checked on load)."""
        return next(m for m in self.members_of(grid_code) if m.grid_leader)

    def chair(self) -> StaffMember:
        """The committee chair (exactly one, checked on load)."""
        return next(m for m in self.staff if m.role is Role.CHAIR)

    def member(self, name: str) -> StaffMember:
        """The staff member called ``name``; KeyError if there is none."""
        for person in self.staff:
            if person.name == name:
                return person
        raise KeyError(f"unknown staff member {name!r}")

    def social_workers(self, specialty: str | None = None) -> tuple[StaffMember, ...]:
        """Social workers, optionally only those with ``specialty``."""
        return tuple(
            m
            for m in self.staff
            if m.role is Role.SOCIAL_WORKER and specialty in (None, m.specialty)
        )

    def route(self, category: str, grid_code: str | None) -> RouteDecision:
        """Who handles a ticket of ``category`` in ``grid_code`` (None: grid unknown)."""
        return decide_route(self, category, grid_code)

    def time_limits_for(
        self, category: str, urgency: Urgency | bool, kind: LimitKind | str
    ) -> TimeLimit:
        """The time limit of ``kind``; ``urgency`` may be a bool (True urgent, False normal)."""
        if isinstance(urgency, bool):
            urgency = Urgency.URGENT if urgency else Urgency.NORMAL
        return self.time_limits.for_category(category, urgency, LimitKind(kind))


def _cross_check(community: Community) -> list[tuple[str, str]]:
    """Problems between sections: grids, staff and routing must agree."""
    problems = []
    codes = Counter(g.code for g in community.grids)
    problems += [(f"grids[{i}].code", f"duplicate grid code {g.code!r}")
                 for i, g in enumerate(community.grids) if codes[g.code] > 1]  # fmt: skip
    names = Counter(m.name for m in community.staff)
    for i, person in enumerate(community.staff):
        if names[person.name] > 1:
            problems.append((f"staff[{i}].name", f"duplicate name {person.name!r}"))
        if person.grid is not None and person.grid not in codes:
            problems.append((f"staff[{i}].grid", f"unknown grid {person.grid!r} ({person.name})"))
    for i, grid in enumerate(community.grids):
        members = [m for m in community.staff if m.grid == grid.code]
        leaders = [m.name for m in members if m.grid_leader]
        if not members:
            problems.append((f"grids[{i}]", f"grid {grid.code!r} has no staff members"))
        elif len(leaders) != 1:
            found = f"{len(leaders)} grid leaders ({', '.join(leaders)})" if leaders else "none"
            problems.append((f"grids[{i}]", f"grid {grid.code!r} needs exactly one grid leader "
                             f"(grid_leader: true), found {found}"))  # fmt: skip
    chairs = [m.name for m in community.staff if m.role is Role.CHAIR]
    if len(chairs) != 1:
        found = f"{len(chairs)} ({', '.join(chairs)})" if chairs else "none"
        problems.append(("staff", f"needs exactly one person with role: chair, found {found}"))
    return problems
