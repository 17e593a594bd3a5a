"""Queries of `storage.repositories` on both dialects."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm.exc import StaleDataError

from storage import repositories as repo
from storage.enums import ActorKind, OutboxStatus, StaffRole, TicketStatus
from storage.models import Grid, OutboxMessage, StaffMember, Ticket
from storage.unit_of_work import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
MakeTicket = Callable[..., Ticket]


def test_mark_update_processed_is_true_once_then_false(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert repo.mark_update_processed(uow.session, channel="telegram", update_id=2**40)
        assert not repo.mark_update_processed(uow.session, channel="telegram", update_id=2**40)
        assert repo.mark_update_processed(uow.session, channel="console", update_id=2**40)
        uow.commit()  # the transaction is still usable after the conflict

    with uow_factory() as uow:
        assert not repo.mark_update_processed(uow.session, channel="telegram", update_id=2**40)


def test_ticket_codes_look_like_f_000001(uow_factory: UowFactory, make_ticket: MakeTicket) -> None:
    with uow_factory() as uow:
        first = make_ticket(uow.session)
        code = repo.assign_ticket_code(uow.session, ticket=first, prefix="F")
        unsaved = Ticket(category="noise", text="楼上装修太吵")
        second = repo.assign_ticket_code(uow.session, ticket=unsaved, prefix="F")
        uow.commit()

    assert code == "F-000001"
    assert second == "F-000002"
    with uow_factory() as uow:
        found = repo.ticket_by_code(uow.session, code=" f-000001 ")
        assert found is not None and found.id == first.id


def test_conversation_state_round_trips_json(uow_factory: UowFactory, now: datetime) -> None:
    data = {"step": "address", "draft": {"text": "路灯坏了", "photos": ["a", "b"]}, "n": 1.5}
    chat = 2**35
    with uow_factory() as uow:
        repo.put_conversation_state(
            uow.session, channel="telegram", chat_id=chat, state="onboarding", data=data, now=now
        )
        uow.commit()
    with uow_factory() as uow:
        state = repo.get_conversation_state(uow.session, channel="telegram", chat_id=chat)
        assert state is not None and (state.state, state.data) == ("onboarding", data)
        repo.put_conversation_state(
            uow.session, channel="telegram", chat_id=chat, state="idle", data={}, now=now
        )
        state = repo.get_conversation_state(uow.session, channel="telegram", chat_id=chat)
        assert state is not None and (state.state, state.data) == ("idle", {})
        repo.clear_conversation_state(uow.session, channel="telegram", chat_id=chat)
        assert repo.get_conversation_state(uow.session, channel="telegram", chat_id=chat) is None


def test_open_tickets_of_a_staff_member_are_most_urgent_then_earliest_due(
    uow_factory: UowFactory, make_ticket: MakeTicket, now: datetime
) -> None:
    with uow_factory() as uow:
        staff = StaffMember(name="李强", role=StaffRole.COMMITTEE)
        uow.session.add(staff)
        uow.session.flush()
        hour = timedelta(hours=1)
        late = make_ticket(uow.session, assignee_id=staff.id, signoff_due_at=now + 5 * hour)
        soon = make_ticket(uow.session, assignee_id=staff.id, signoff_due_at=now + hour)
        urgent = make_ticket(
            uow.session, assignee_id=staff.id, urgent=True, signoff_due_at=now + 9 * hour
        )
        accepted = make_ticket(
            uow.session,
            assignee_id=staff.id,
            status=TicketStatus.ACCEPTED,
            signoff_due_at=now,
            accepted_at=now,
            resolve_due_at=now + 3 * hour,
        )
        make_ticket(uow.session, assignee_id=staff.id, status=TicketStatus.RESOLVED)
        make_ticket(uow.session, status=TicketStatus.ASSIGNED)  # someone else's

        assert staff.id is not None
        tickets = repo.open_tickets_for_assignee(uow.session, staff_id=staff.id)

    assert [t.id for t in tickets] == [urgent.id, soon.id, accepted.id, late.id]


def test_people_are_found_by_chat_grid_and_role(uow_factory: UowFactory, now: datetime) -> None:
    with uow_factory() as uow:
        grid = Grid(code="G01", name="第一网格")
        uow.session.add(grid)
        uow.session.flush()
        leader = StaffMember(
            name="张伟", role=StaffRole.POLICE, grid_id=grid.id, is_grid_leader=True, chat_id=42
        )
        uow.session.add_all(
            [
                leader,
                StaffMember(name="赵敏", role=StaffRole.COMMITTEE, grid_id=grid.id),
                StaffMember(name="陈主任", role=StaffRole.CHAIR),
            ]
        )
        resident = repo.get_or_create_resident(uow.session, chat_id=7, now=now)
        again = repo.get_or_create_resident(uow.session, chat_id=7, now=now)
        uow.commit()

    with uow_factory() as uow:
        assert grid.id is not None
        assert repo.grid_by_code(uow.session, code="G01") is not None
        assert repo.staff_by_chat_id(uow.session, chat_id=42) == leader
        assert repo.grid_leader(uow.session, grid_id=grid.id) == leader
        committee = repo.staff_of_grid(uow.session, grid_id=grid.id, role=StaffRole.COMMITTEE)
        assert [s.name for s in committee] == ["赵敏"]
        chair = repo.chair(uow.session)
        assert chair is not None and chair.grid_id is None
        assert again.id == resident.id


def test_invite_codes_are_single_use_and_expire(uow_factory: UowFactory, now: datetime) -> None:
    with uow_factory() as uow:
        staff = StaffMember(name="刘洋", role=StaffRole.SOCIAL_WORKER, specialty="youth")
        uow.session.add(staff)
        uow.session.flush()
        assert staff.id is not None
        code = repo.create_invite_code(uow.session, staff_id=staff.id, now=now)
        short = repo.create_invite_code(
            uow.session, staff_id=staff.id, now=now, ttl=timedelta(minutes=5)
        )
        uow.commit()

    with uow_factory() as uow:
        stored = uow.session.connection().exec_driver_sql("SELECT code_hash FROM invite_code")
        assert code not in {row[0] for row in stored}
        assert repo.consume_invite_code(uow.session, code=code, now=now) == staff
        assert repo.consume_invite_code(uow.session, code=code, now=now) is None
        late = now + timedelta(minutes=6)
        assert repo.consume_invite_code(uow.session, code=short, now=late) is None
        assert repo.consume_invite_code(uow.session, code="no-such-code", now=now) is None


def test_claimed_outbox_messages_are_hidden_then_sent_or_retried(
    uow_factory: UowFactory, now: datetime
) -> None:
    buttons = [[{"text": "受理", "data": "accept:1"}]]
    with uow_factory() as uow:
        first = repo.enqueue_message(
            uow.session, chat_id=2**40, text="新工单", now=now, buttons=buttons
        )
        second = repo.enqueue_message(uow.session, chat_id=1, text="提醒", now=now)
        claimed = repo.claim_pending_outbox(uow.session, now=now, limit=10)
        assert [m.id for m in claimed] == [first, second]
        assert repo.claim_pending_outbox(uow.session, now=now, limit=10) == []
        repo.mark_sent(uow.session, message_id=first, now=now)
        repo.mark_failed(uow.session, message_id=second, error="timeout", now=now)
        uow.commit()

    with uow_factory() as uow:
        assert repo.claim_pending_outbox(uow.session, now=now, limit=10) == []
        retry = repo.claim_pending_outbox(uow.session, now=now + timedelta(minutes=1), limit=10)
        assert [(m.id, m.attempts, m.buttons) for m in retry] == [(second, 2, None)]
        later = now + timedelta(hours=23)  # still retried: an outage loses nothing
        repo.mark_failed(uow.session, message_id=second, error="timeout", now=later)
        assert retry[0].status == OutboxStatus.PENDING
        assert retry[0].next_attempt_at <= later + timedelta(minutes=5)
        repo.mark_failed(
            uow.session, message_id=second, error="timeout", now=now + timedelta(hours=24)
        )
        uow.commit()
    with uow_factory() as uow:
        sent = uow.session.get_one(OutboxMessage, first)
        gone = uow.session.get_one(OutboxMessage, second)
        assert (sent.status, sent.buttons) == (OutboxStatus.SENT, buttons)
        assert gone.status == OutboxStatus.FAILED


def test_events_and_community_meta_are_recorded(
    uow_factory: UowFactory, make_ticket: MakeTicket, now: datetime
) -> None:
    with uow_factory() as uow:
        ticket_id = make_ticket(uow.session).id
        assert ticket_id is not None
        repo.add_event(
            uow.session,
            ticket_id=ticket_id,
            kind="created",
            at=now,
            actor_kind=ActorKind.RESIDENT,
            to_status=TicketStatus.NEW,
            details={"keywords": ["噪音"]},
        )
        repo.add_event(
            uow.session,
            ticket_id=ticket_id,
            kind="assigned",
            at=now + timedelta(seconds=1),
            actor_kind=ActorKind.SYSTEM,
            from_status=TicketStatus.NEW,
            to_status=TicketStatus.ASSIGNED,
        )
        repo.set_community_meta(uow.session, key="code", value="F", now=now)
        repo.set_community_meta(uow.session, key="code", value="F2", now=now)
        uow.commit()

    with uow_factory() as uow:
        events = repo.events_of_ticket(uow.session, ticket_id=ticket_id)
        assert [(e.kind, e.details) for e in events] == [
            ("created", {"keywords": ["噪音"]}),
            ("assigned", {}),
        ]
        assert repo.get_community_meta(uow.session, key="code") == "F2"
        assert repo.all_community_meta(uow.session) == {"code": "F2"}


def test_a_concurrent_ticket_update_is_detected_by_its_version(
    uow_factory: UowFactory, make_ticket: MakeTicket
) -> None:
    with uow_factory() as uow:
        ticket_id = make_ticket(uow.session).id
        uow.commit()

    with uow_factory() as first:
        stale = first.session.get_one(Ticket, ticket_id)
        assert stale.version == 1
        first.commit()  # end the read transaction, keep the loaded row
    with uow_factory() as second:
        second.session.get_one(Ticket, ticket_id).status = TicketStatus.ACCEPTED
        second.commit()
    with uow_factory() as third:
        stale = third.session.merge(stale, load=False)
        stale.status = TicketStatus.RETURNED
        with pytest.raises(StaleDataError):
            third.commit()
