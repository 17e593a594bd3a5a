"""One problem, one ticket: duplicate candidates, following, merging and unmerging.

Only problems of a shared place are matched (rubbish, noise, street order, fire safety, housing
and public security): a pension or a landlord is each resident's own case. Nobody is told who
else reported: a follower learns the code and status, the reporter learns nothing, staff learn
how many follow. Every change is a ticket event; nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.domain.permissions import Actor, ActorRole
from bot.service.context import DuplicatePolicy, Mailer, Services
from bot.service.notices import tell_followers
from bot.service.reminders import schedule
from bot.service.tickets import record_event
from bot.texts import text
from nlp.similarity import Similarity, default_similarity
from storage import repositories as repo
from storage.enums import OPEN_STATUSES, TicketStatus
from storage.models import Resident, StaffMember, Ticket
from storage.repositories import followers

SHARED_CATEGORIES = frozenset(
    {"environment", "noise", "street_order", "fire_safety", "housing_infra", "public_security"}
)


def policy(services: Services) -> DuplicatePolicy:
    """The window and threshold the composition root gave ``services``."""
    return services.duplicates


def similarity(services: Services) -> Similarity:
    """The shared comparer, on the classifier's segmenter when there is one."""
    return default_similarity(services.classifier.segmenter if services.classifier else None)


@dataclass(frozen=True)
class Candidate:
    """An open ticket that is probably the same problem as a new report."""

    ticket_id: int
    code: str
    category: str
    status: str
    score: float
    shared: tuple[str, ...]
    own: bool
    """The resident reported or already follows it."""


def find_candidate(
    mailer: Mailer,
    services: Services,
    *,
    resident_id: int | None,
    body: str,
    category: str,
    grid_id: int | None,
    place: str | None,
    exclude: int | None = None,
) -> Candidate | None:
    """The most similar open ticket above the threshold, if any."""
    rules = policy(services)
    if category not in SHARED_CATEGORIES or rules.window <= timedelta(0):
        return None
    session, since = mailer.session, mailer.now - rules.window
    rows = followers.duplicate_candidates(
        session, category=category, grid_id=grid_id, place=place, since=since
    )
    comparer = similarity(services)
    new = comparer.profile(body, place)
    best: tuple[float, followers.CandidateRow] | None = None
    for row in rows:
        if row.id == exclude:
            continue
        score = comparer.score(new, comparer.profile(row.text, row.place))
        if score >= rules.threshold and (best is None or score > best[0]):
            best = (score, row)
    if best is None:
        return None
    score, row = best
    shared = comparer.compare(new, comparer.profile(row.text, row.place)).shared
    own = resident_id is not None and (
        row.reporter_id == resident_id
        or followers.is_follower(session, ticket_id=row.id, resident_id=resident_id)
    )
    return Candidate(row.id, row.code or "", row.category, row.status, score, shared, own)


def follow(mailer: Mailer, *, resident: Resident, ticket_id: int, score: float = 0.0) -> bool:
    """Make ``resident`` a follower of an open ticket instead of a new one; tell the assignee how
    many follow (never who). False when the ticket is no longer open."""
    ticket = mailer.session.get(Ticket, ticket_id)
    if ticket is None or ticket.status not in OPEN_STATUSES or resident.id is None:
        return False
    if ticket.reporter_id != resident.id and followers.add_follower(
        mailer.session, ticket_id=ticket_id, resident_id=resident.id, now=mailer.now
    ):
        actor = Actor(ActorRole.RESIDENT, resident.id)
        record_event(
            mailer.session, ticket, actor, "followed", mailer.now, ticket.status, score=score
        )
        count = len(followers.followers_of(mailer.session, ticket_id=ticket_id))
        _tell_assignee(mailer, ticket, "dup_new_follower", count=count)
    return True


def link_urgent(mailer: Mailer, services: Services, ticket: Ticket) -> Candidate | None:
    """An urgent ticket is never held back: when it looks like an open one, record it and tell
    its assignee, who may merge."""
    found = find_candidate(
        mailer,
        services,
        resident_id=None,
        body=ticket.text,
        category=ticket.category,
        grid_id=ticket.grid_id,
        place=ticket.place,
        exclude=ticket.id,
    )
    if found is not None:
        system = Actor(ActorRole.SYSTEM)
        record_event(
            mailer.session,
            ticket,
            system,
            "possible_duplicate",
            mailer.now,
            ticket.status,
            of=found.ticket_id,
            score=found.score,
            shared=list(found.shared),
        )
        shared = "、".join(found.shared) or "-"
        _tell_assignee(mailer, ticket, "dup_possible", other=found.code, shared=shared)
    return found


def _tell_assignee(mailer: Mailer, ticket: Ticket, key: str, **values: object) -> None:
    assignee = mailer.session.get(StaffMember, ticket.assignee_id) if ticket.assignee_id else None
    if assignee is not None:
        body = text(key, "zh", code=ticket.code, **values)
        mailer.send(assignee.chat_id, body, ticket_id=ticket.id)


def _tell_reporter_and_followers(mailer: Mailer, ticket: Ticket, key: str, **values: Any) -> None:
    reporter = mailer.session.get(Resident, ticket.reporter_id) if ticket.reporter_id else None
    if reporter is not None:
        body = text(key, reporter.language, code=ticket.code, **values)
        mailer.send(reporter.chat_id, body, ticket_id=ticket.id)
    tell_followers(mailer, ticket, key, **values)


def may_merge(actor: Actor, *tickets: Ticket) -> bool:
    """The chair anywhere; staff (grid leaders included) when every ticket is in their grid.

    Kept here, not in ``bot.domain.permissions``: merging concerns two tickets at once, which
    that module's one-ticket ``may`` does not express."""
    if actor.role in (ActorRole.CHAIR, ActorRole.SYSTEM):
        return True
    if actor.role not in (ActorRole.STAFF, ActorRole.GRID_LEADER) or actor.grid_id is None:
        return False
    return all(t.grid_id == actor.grid_id for t in tickets)


def merge(
    mailer: Mailer, services: Services, *, actor: Actor, duplicate: Ticket, target: Ticket
) -> str:
    """Close ``duplicate`` as a duplicate of ``target``: its reporter and followers follow
    ``target``; its assignee, reporter and followers are told. Returns a refusal key or ""."""
    refusal = _merge_refusal(actor, duplicate, target)
    if refusal:
        return refusal
    assert duplicate.id is not None and target.id is not None
    session, now, before = mailer.session, mailer.now, duplicate.status
    residents = [duplicate.reporter_id] + [
        r.id for r in followers.followers_of(session, ticket_id=duplicate.id)
    ]
    added = [
        rid
        for rid in dict.fromkeys(r for r in residents if r is not None)
        if rid != target.reporter_id
        and followers.add_follower(session, ticket_id=target.id, resident_id=rid, now=now)
    ]
    duplicate.status, duplicate.closed_at, duplicate.duplicate_of_id = (
        TicketStatus.CLOSED,
        now,
        target.id,
    )
    duplicate.updated_at = now
    schedule(duplicate, services)
    record_event(
        session,
        duplicate,
        actor,
        "merged",
        now,
        before,
        into=target.id,
        previous_status=str(before),
        added_followers=added,
    )
    record_event(session, target, actor, "merged_in", now, target.status, duplicate=duplicate.id)
    _tell_assignee(mailer, duplicate, "dup_merged_assignee", target=target.code)
    _tell_reporter_and_followers(mailer, duplicate, "dup_merged_resident", target=target.code)
    return ""


def _merge_refusal(actor: Actor, duplicate: Ticket, target: Ticket) -> str:
    if not may_merge(actor, duplicate, target):
        return "not_allowed"
    if duplicate.id == target.id:
        return "dup_merge_self"
    if target.duplicate_of_id is not None or duplicate.duplicate_of_id is not None:
        return "dup_already_merged"
    if duplicate.status not in OPEN_STATUSES or target.status not in OPEN_STATUSES:
        return "dup_not_open"
    return ""


def unmerge(mailer: Mailer, services: Services, *, actor: Actor, duplicate: Ticket) -> str:
    """Undo the last merge of ``duplicate``: its status comes back, the residents the merge added
    to the other ticket stop following it. Returns a refusal key or ""."""
    target = mailer.session.get(Ticket, duplicate.duplicate_of_id or 0)
    if target is None or duplicate.id is None:
        return "dup_not_merged"
    if not may_merge(actor, duplicate, target):
        return "not_allowed"
    events = repo.events_of_ticket(mailer.session, ticket_id=duplicate.id)
    merged = next((e for e in reversed(events) if e.kind == "merged"), None)
    details = merged.details if merged is not None else {}
    assert target.id is not None
    followers.remove_followers(
        mailer.session, ticket_id=target.id, resident_ids=details.get("added_followers", [])
    )
    now = mailer.now
    duplicate.status = TicketStatus(details.get("previous_status", TicketStatus.ASSIGNED))
    duplicate.closed_at, duplicate.duplicate_of_id, duplicate.updated_at = None, None, now
    schedule(duplicate, services)
    record_event(
        mailer.session,
        duplicate,
        actor,
        "unmerged",
        now,
        TicketStatus.CLOSED,
        from_ticket=target.id,
    )
    record_event(
        mailer.session, target, actor, "unmerged_out", now, target.status, duplicate=duplicate.id
    )
    _tell_assignee(mailer, duplicate, "dup_unmerged_assignee", target=target.code)
    _tell_reporter_and_followers(mailer, duplicate, "dup_unmerged_resident")
    return ""


def rate_as_follower(mailer: Mailer, *, resident: Resident, ticket: Ticket, rating: int) -> str:
    """A follower's rating: kept as an event (the ticket's rating stays the reporter's).
    Returns a refusal key or ""."""
    if resident.id is None or not followers.is_follower(
        mailer.session, ticket_id=ticket.id or 0, resident_id=resident.id
    ):
        return "not_allowed"
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED) or not 1 <= rating <= 5:
        return "not_resolved" if 1 <= rating <= 5 else "not_allowed"
    events = repo.events_of_ticket(mailer.session, ticket_id=ticket.id or 0)
    if any(e.kind == "follower_rated" and e.actor_id == resident.id for e in events):
        return "already_done"
    actor = Actor(ActorRole.RESIDENT, resident.id)
    record_event(
        mailer.session, ticket, actor, "follower_rated", mailer.now, ticket.status, rating=rating
    )
    return ""


def ticket_for(mailer: Mailer, code: str) -> Ticket | None:
    """A ticket by its code as staff type it (``f-124`` or ``F-000124``)."""
    clean = code.strip().upper()
    prefix, _, number = clean.partition("-")
    if number.isdigit():
        clean = f"{prefix}-{int(number):06d}"
    return repo.ticket_by_code(mailer.session, code=clean)
