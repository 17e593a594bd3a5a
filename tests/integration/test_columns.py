"""Column types: UTC timestamps, 64-bit chat ids, enums as strings, mutable JSON."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlmodel import col, select

from storage.enums import StaffRole, TicketStatus
from storage.models import Resident, StaffMember, Ticket
from storage.unit_of_work import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
MakeTicket = Callable[..., Ticket]
BEIJING = timezone(timedelta(hours=8))


def test_timestamps_come_back_timezone_aware_utc(
    uow_factory: UowFactory, make_ticket: MakeTicket
) -> None:
    due = datetime(2025, 3, 1, 17, 30, tzinfo=BEIJING)
    with uow_factory() as uow:
        ticket_id = make_ticket(uow.session, signoff_due_at=due).id
        uow.commit()

    with uow_factory() as uow:
        ticket = uow.session.get_one(Ticket, ticket_id)
        assert ticket.signoff_due_at == due
        assert ticket.signoff_due_at is not None
        assert ticket.signoff_due_at.tzinfo == UTC
        assert ticket.created_at.tzinfo == UTC


def test_timestamps_compare_in_utc_whatever_the_zone_of_the_argument(
    uow_factory: UowFactory, make_ticket: MakeTicket
) -> None:
    with uow_factory() as uow:
        make_ticket(uow.session, signoff_due_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC))
        due_after = select(Ticket).where(
            col(Ticket.signoff_due_at) > datetime(2025, 3, 1, 17, 29, tzinfo=BEIJING)
        )
        due_before = select(Ticket).where(
            col(Ticket.signoff_due_at) < datetime(2025, 3, 1, 17, 29, tzinfo=BEIJING)
        )
        assert len(uow.session.exec(due_after).all()) == 1
        assert uow.session.exec(due_before).all() == []


def test_naive_timestamps_are_refused(uow_factory: UowFactory, make_ticket: MakeTicket) -> None:
    with uow_factory() as uow, pytest.raises(StatementError, match="naive datetime"):
        make_ticket(uow.session, signoff_due_at=datetime(2025, 3, 1, 17, 30))


def test_chat_ids_above_2_31_round_trip(uow_factory: UowFactory, now: datetime) -> None:
    chat_id = -(2**40) - 123  # Telegram supergroup ids look like -100xxxxxxxxxx
    with uow_factory() as uow:
        uow.session.add(Resident(chat_id=chat_id, created_at=now, updated_at=now))
        uow.session.add(StaffMember(name="王芳", role=StaffRole.POLICE, chat_id=2**33))
        uow.commit()

    with uow_factory() as uow:
        assert uow.session.exec(select(Resident)).one().chat_id == chat_id
        assert uow.session.exec(select(StaffMember)).one().chat_id == 2**33


def test_enums_are_stored_as_plain_strings_and_loaded_as_enums(
    uow_factory: UowFactory, make_ticket: MakeTicket
) -> None:
    with uow_factory() as uow:
        ticket_id = make_ticket(uow.session, status="accepted").id
        uow.commit()

    with uow_factory() as uow:
        raw = (
            uow.session.connection()
            .exec_driver_sql(f"SELECT status FROM ticket WHERE id = {ticket_id}")
            .scalar_one()
        )
        assert raw == "accepted"
        assert uow.session.get_one(Ticket, ticket_id).status is TicketStatus.ACCEPTED


def test_in_place_changes_to_json_lists_are_saved(
    uow_factory: UowFactory, make_ticket: MakeTicket
) -> None:
    with uow_factory() as uow:
        ticket_id = make_ticket(uow.session, urgent_terms=["火"]).id
        uow.commit()
    with uow_factory() as uow:
        ticket = uow.session.get_one(Ticket, ticket_id)
        ticket.urgent_terms.append("烟")
        ticket.explanation["keywords"] = ["楼道", "杂物"]
        uow.commit()

    with uow_factory() as uow:
        ticket = uow.session.get_one(Ticket, ticket_id)
        assert ticket.urgent_terms == ["火", "烟"]
        assert ticket.explanation == {"keywords": ["楼道", "杂物"]}
