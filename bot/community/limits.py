"""Time limits per urgency (with per-category overrides) and reminder settings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from bot.community.common import CATEGORY_CODES, FrozenModel, raise_problems
from bot.community.timing import Duration


class Urgency(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"
    ENQUIRY = "enquiry"


class LimitKind(StrEnum):
    SIGN_OFF = "sign_off"  # the assignee accepts the ticket
    RESOLUTION = "resolution"  # the assignee resolves it


@dataclass(frozen=True)
class TimeLimit:
    """A resolved time limit: how long, and whether only working time counts."""

    duration: Duration
    working_time: bool


class Clock(FrozenModel):
    """One clock: ``4h`` or ``{within: 4h, working_time: false}``; unset flags inherit."""

    within: Duration
    working_time: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, dict | Clock):
            return value
        return {"within": Duration.parse(value)}


class UrgencyLimits(FrozenModel):
    """Sign-off and resolution clocks for one urgency level."""

    working_time: bool = True
    sign_off: Clock
    resolution: Clock

    def limit(self, kind: LimitKind, override: Clock | None = None) -> TimeLimit:
        clock = override or (self.sign_off if kind is LimitKind.SIGN_OFF else self.resolution)
        flag = self.working_time if clock.working_time is None else clock.working_time
        return TimeLimit(clock.within, flag)


class ClockOverride(FrozenModel):
    sign_off: Clock | None = None
    resolution: Clock | None = None


def _limits(sign_off: str, resolution: str, working_time: bool) -> UrgencyLimits:
    return UrgencyLimits.model_validate(
        {"working_time": working_time, "sign_off": sign_off, "resolution": resolution}
    )


class TimeLimits(FrozenModel):
    """Time limits per urgency, with optional per-category overrides."""

    urgent: UrgencyLimits = _limits("30m", "24h", working_time=False)
    normal: UrgencyLimits = _limits("4h", "5d", working_time=True)
    enquiry: UrgencyLimits = _limits("4h", "2d", working_time=True)
    overrides: dict[str, dict[Urgency, ClockOverride]] = Field(default_factory=dict)

    @field_validator("overrides")
    @classmethod
    def _known_categories(
        cls, value: dict[str, dict[Urgency, ClockOverride]]
    ) -> dict[str, dict[Urgency, ClockOverride]]:
        unknown = [code for code in value if code not in CATEGORY_CODES]
        raise_problems([(code, f"unknown category {code!r}") for code in unknown])
        return value

    def for_category(self, category: str, urgency: Urgency, kind: LimitKind) -> TimeLimit:
        """The time limit of ``kind`` for a ticket of ``category`` at ``urgency``."""
        override = self.overrides.get(category, {}).get(urgency)
        clock = getattr(override, kind.value) if override else None
        levels = {Urgency.URGENT: self.urgent, Urgency.NORMAL: self.normal}
        return levels.get(urgency, self.enquiry).limit(kind, clock)


class Reminders(FrozenModel):
    """Remind ``lead_time`` before a deadline; escalate after ``before_escalation`` reminders."""

    lead_time: Duration = Duration.parse("1h")
    before_escalation: int = Field(default=2, ge=0)
