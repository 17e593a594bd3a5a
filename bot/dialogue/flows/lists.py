"""Lists: /my for residents (their tickets), /tasks for staff (open, most urgent first)."""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.service.notices import category_label, local_time, status_name
from storage import repositories as repo

MAX_LISTED = 20


def my_tickets(turn: Turn) -> None:
    """The resident's own tickets with their status."""
    if turn.resident is None or turn.resident.id is None:
        turn.reply("my_none")
        return
    tickets = repo.tickets_of_resident(turn.session, resident_id=turn.resident.id, limit=MAX_LISTED)
    if not tickets:
        turn.reply("my_none")
        return
    lines = [turn.t("my_header")]
    lines += [
        turn.t(
            "my_line",
            code=t.code,
            label=category_label(t.category),
            status=status_name(t.status, turn.lang),
        )
        for t in tickets
    ]
    turn.reply("\n".join(lines))


def tasks(turn: Turn) -> None:
    """A staff member's open tickets: urgent first, then the earliest deadline."""
    if turn.staff is None or turn.staff.id is None:
        turn.reply("not_staff")
        return
    tickets = repo.open_tickets_for_assignee(turn.session, staff_id=turn.staff.id)[:MAX_LISTED]
    if not tickets:
        turn.reply("tasks_none")
        return
    now, zone = turn.mailer.now, turn.services.community.zone
    lines = [turn.t("tasks_header")]
    for t in tickets:
        due = t.signoff_due_at if t.accepted_at is None else t.resolve_due_at
        late = turn.t("overdue") if due is not None and due < now else ""
        label = (turn.t("tag_urgent") if t.urgent else "") + category_label(t.category)
        lines.append(
            turn.t(
                "tasks_line",
                code=t.code,
                label=label,
                status=status_name(t.status),
                due=local_time(due, zone),
                overdue=late,
            )
        )
    turn.reply("\n".join(lines))
