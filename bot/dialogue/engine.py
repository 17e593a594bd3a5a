"""The dialogue engine: one event in, a list of actions out, in one transaction.

The update id is recorded in the same transaction as the effect (a redelivered update does
nothing), every outgoing message is written to the outbox before it is returned, and the
conversation state lives in the database, so a restart resumes at the same step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from bot.dialogue.events import Action, Answer, Edit, Incoming, Kind, Send
from bot.dialogue.flows import (
    committee,
    complaint,
    duplicates,
    forget,
    lists,
    onboarding,
    staff_join,
    ticket_buttons,
)
from bot.dialogue.turn import Turn
from bot.service.context import Mailer, Services
from bot.texts import text
from storage import repositories as repo
from storage.unit_of_work import (
    LockTaken,
    UnitOfWork,
    attempt_without_waiting,
    run_in_transaction,
)

log = logging.getLogger(__name__)

Step = Callable[[Turn], None]

STATE_STEPS: dict[str, Step] = {
    onboarding.CONSENT: onboarding.on_consent,
    onboarding.RESIDENCE: onboarding.on_residence,
    onboarding.WHERE: onboarding.on_where,
    complaint.CONFIRM: complaint.on_confirm,
    complaint.PICK: complaint.on_pick,
    ticket_buttons.NOTE: ticket_buttons.on_note,
    **committee.STEPS,
    **duplicates.STEPS,
    **forget.STEPS,
}


def _help(turn: Turn) -> None:
    turn.reply("help_staff" if turn.staff else "help_resident")


def _cancel(turn: Turn) -> None:
    turn.reply("cancelled" if turn.state else "nothing_to_cancel")
    turn.go("")


def _lang(turn: Turn) -> None:
    if turn.resident is not None:
        turn.resident.language = "en" if turn.resident.language == "zh" else "zh"
    turn.reply("lang_switched")


def _start(turn: Turn) -> None:
    if turn.staff is not None:
        _help(turn)
    else:
        onboarding.start(turn)


COMMANDS: dict[str, Callable[[Turn, str], None]] = {
    "/start": lambda turn, _: _start(turn),
    "/help": lambda turn, _: _help(turn),
    "/cancel": lambda turn, _: _cancel(turn),
    "/lang": lambda turn, _: _lang(turn),
    "/my": lambda turn, _: lists.my_tickets(turn),
    "/tasks": lambda turn, _: lists.tasks(turn),
    "/join": staff_join.join,
    "/invite": staff_join.invite_member,
    **committee.COMMANDS,
    **duplicates.COMMANDS,
    **forget.COMMANDS,
}

BUTTON_PREFIXES: dict[str, Step] = {
    **committee.BUTTONS,
    **duplicates.BUTTONS,
    **forget.BUTTONS,
}
"""Buttons outside a conversation step, by the prefix of their data (e.g. ``fg:``)."""


def dispatch(turn: Turn) -> None:
    """Route the event to the step that handles it."""
    event = turn.event
    if event.kind == Kind.COMMAND:
        name, rest = event.command
        handler = COMMANDS.get(name)
        if handler is None:
            turn.reply("unknown_command")
        else:
            handler(turn, rest)
        return
    if event.kind == Kind.BUTTON and event.data.startswith("t:"):
        ticket_buttons.on_button(turn)
        return
    if event.kind == Kind.BUTTON:
        prefix, _, _ = event.data.partition(":")
        button_step = BUTTON_PREFIXES.get(prefix + ":")
        if button_step is not None:
            button_step(turn)
            return
    if event.kind == Kind.CONTACT and turn.resident is not None and event.phone:
        turn.resident.phone = event.phone[:32]
        turn.reply("contact_saved")
        return
    if event.kind in (Kind.OTHER, Kind.CONTACT):
        turn.reply("unsupported")
        return
    step = STATE_STEPS.get(turn.state)
    if step is not None:
        step(turn)
    elif turn.staff is not None:
        if event.kind == Kind.BUTTON:
            turn.answer("already_done")
        else:
            _help(turn)
    elif turn.resident is not None and turn.resident.consent_at is None:
        onboarding.start(turn)
    elif turn.resident is not None and turn.resident.grid_id is None:
        onboarding.ask_where(turn, "no_grid")
    elif event.kind == Kind.BUTTON:
        turn.answer("already_done")
    else:
        complaint.on_message(turn)


def without_nul(event: Incoming) -> Incoming:
    """The event with NUL characters dropped from what people typed: PostgreSQL cannot store
    them, and they carry no meaning."""
    if "\x00" not in event.text and "\x00" not in (event.display_name or ""):
        return event
    name = event.display_name.replace("\x00", "") if event.display_name else event.display_name
    return replace(event, text=event.text.replace("\x00", ""), display_name=name)


class Engine:
    """Turns incoming events into actions; the same engine serves every channel."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        services: Services,
        channel: str,
        *,
        turns_on_loop: bool = False,
    ) -> None:
        self.uow_factory = uow_factory
        self.services = services
        self.channel = channel
        self.turns_on_loop = turns_on_loop
        """True when a turn never waits on a network (embedded SQLite): an asynchronous channel
        may then run it on its event loop instead of handing it to a worker thread."""

    def handle(self, event: Incoming) -> list[Action]:
        """Process one event; never raises (the person gets an apology instead)."""
        event = without_nul(event)
        try:
            return run_in_transaction(self.uow_factory, lambda uow: self._turn(uow, event))
        except Exception:
            log.exception("event failed: kind=%s", event.kind)
            fallback: list[Action] = [self._apologise(event.chat_id)]
            if event.kind == Kind.BUTTON:
                fallback.append(Answer(text("error")))
            return fallback

    def handle_without_waiting(self, event: Incoming) -> list[Action] | None:
        """One attempt at the turn that never waits for the database's write lock (for a turn on
        the event loop). None when the lock is held elsewhere or the attempt failed: nothing was
        done, and :meth:`handle` (in a worker thread) should take the event instead."""
        event = without_nul(event)
        try:
            return attempt_without_waiting(self.uow_factory, lambda uow: self._turn(uow, event))
        except LockTaken:
            return None
        except Exception as error:  # handle() tries again, logs it fully and apologises
            log.info("turn failed on the event loop (%s); retrying in a worker thread", error)
            return None

    def _apologise(self, chat_id: int) -> Send:
        """Queue the apology in a transaction of its own, so the outbox delivers it (best effort:
        the database may be what failed)."""
        apology = text("error")
        try:
            with self.uow_factory() as uow:
                queued = repo.enqueue_message(
                    uow.session, chat_id=chat_id, text=apology, now=self.services.clock()
                )
                uow.commit()
                return Send(chat_id, apology, outbox_id=queued)
        except Exception:
            log.exception("the apology could not be queued either")
            return Send(chat_id, apology)

    def _turn(self, uow: UnitOfWork, event: Incoming) -> list[Action]:
        session, now = uow.session, self.services.clock()
        if event.update_id is not None and not repo.mark_update_processed(
            session, channel=self.channel, update_id=event.update_id, now=now
        ):
            return []
        staff = repo.staff_by_chat_id(session, chat_id=event.chat_id)
        staff = staff if staff is not None and staff.active else None
        resident = (
            None if staff else repo.get_or_create_resident(session, chat_id=event.chat_id, now=now)
        )
        if resident is not None and event.display_name and not resident.display_name:
            resident.display_name = event.display_name[:64]
        state = repo.get_conversation_state(session, channel=self.channel, chat_id=event.chat_id)
        turn = Turn(
            session, Mailer(session, now), self.services, event, resident, staff,
            state.state if state else "", dict(state.data) if state else {},
        )  # fmt: skip
        dispatch(turn)
        if turn.state or turn.data:
            repo.put_conversation_state(
                session,
                channel=self.channel,
                chat_id=event.chat_id,
                state=turn.state,
                data=turn.data,
                now=now,
            )
        elif state is not None:
            repo.clear_conversation_state(session, channel=self.channel, chat_id=event.chat_id)
        uow.commit()
        sends: list[Action] = list(turn.mailer.sent)
        ephemeral: list[Action] = [a for a in turn.ephemeral if isinstance(a, Answer | Edit)]
        return ephemeral + sends
