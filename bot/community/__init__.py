"""The community configuration: grids, staff, routing, time limits and hours, from one YAML file.

Pure: no database, no Telegram. ``load_community()`` gives the shipped sample community.
"""

from bot.community.common import CATEGORY_CODES, GRID_ROLES, Role
from bot.community.limits import LimitKind, Reminders, TimeLimit, TimeLimits, Urgency
from bot.community.loader import (
    CommunityConfigError,
    check_community,
    load_community,
    parse_community,
    sample_path,
)
from bot.community.locate import GridMatch, find_named_place, locate_address, locate_point
from bot.community.patterns import AddressPattern, NumberSet
from bot.community.routing import Route, RouteDecision, RouteStep
from bot.community.schema import Community, Grid, Routing, StaffMember
from bot.community.timing import Duration, TimeRange, WorkingHours

__all__ = [
    "CATEGORY_CODES",
    "GRID_ROLES",
    "AddressPattern",
    "Community",
    "CommunityConfigError",
    "Duration",
    "Grid",
    "GridMatch",
    "LimitKind",
    "NumberSet",
    "Reminders",
    "Role",
    "Route",
    "RouteDecision",
    "RouteStep",
    "Routing",
    "StaffMember",
    "TimeLimit",
    "TimeLimits",
    "TimeRange",
    "Urgency",
    "WorkingHours",
    "check_community",
    "find_named_place",
    "load_community",
    "locate_address",
    "locate_point",
    "parse_community",
    "sample_path",
]
