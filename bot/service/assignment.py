"""Choosing the person who handles a ticket: the routed role, then the grid leader, then the chair."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.community import Community
from storage.models import Grid, StaffMember


@dataclass(frozen=True)
class Assignment:
    """Who handles a ticket, who is informed, and whether the chain had to skip people."""

    assignee: StaffMember
    informed: tuple[StaffMember, ...]
    nobody_reachable: bool
    skipped: bool
    reason: str


def _active_by_name(session: Session, names: list[str]) -> dict[str, StaffMember]:
    """The active staff members called one of ``names``, by name, in one query."""
    statement = select(StaffMember).where(col(StaffMember.name).in_(names), StaffMember.active)
    found: dict[str, StaffMember] = {}
    for member in session.exec(statement.order_by(col(StaffMember.id))):
        found.setdefault(member.name, member)
    return found


def reachable(member: StaffMember | None) -> bool:
    """Bound to a chat and not known to have blocked the bot."""
    return member is not None and member.chat_id is not None and member.unreachable_since is None


def choose_assignee(
    session: Session,
    community: Community,
    *,
    category: str,
    grid: Grid | None,
    exclude: frozenset[int] = frozenset(),
) -> Assignment:
    """The first reachable person of: routed member → grid leader → chair (``exclude`` skipped)."""
    decision = community.route(category, grid.code if grid else None)
    chain = [decision.assignee]
    if grid is not None:
        chain.append(community.leader_of(grid.code).name)
    chain.append(community.chair().name)
    known = _active_by_name(session, [*chain, *decision.informed])
    members = [known[name] for name in dict.fromkeys(chain) if name in known]
    candidates = [m for m in members if m.id not in exclude] or members
    if not candidates:
        raise LookupError("no active staff member for this ticket: load the community file")
    chosen = next((m for m in candidates if reachable(m)), candidates[0])
    informed = tuple(
        m for m in (known.get(n) for n in decision.informed) if m and m.id != chosen.id
    )
    skipped = chosen is not candidates[0]
    return Assignment(chosen, informed, not reachable(chosen), skipped, decision.reason)


def leader_and_chair(
    session: Session, community: Community, grid: Grid | None
) -> list[StaffMember]:
    """The escalation ladder above an assignee: the grid leader, then the chair."""
    names = ([community.leader_of(grid.code).name] if grid else []) + [community.chair().name]
    known = _active_by_name(session, names)
    return [known[name] for name in names if name in known]
