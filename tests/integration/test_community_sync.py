"""sync_community applies a community file idempotently on SQLite and PostgreSQL."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.community import Community, load_community
from bot.community.sync import SyncReport, community_loaded, sync_community
from bot.settings import Settings
from bot.startup import ensure_community
from storage.enums import StaffRole, TicketStatus
from storage.models import Grid, StaffMember, Ticket
from storage.repositories import all_community_meta, grid_by_code
from storage.unit_of_work import UnitOfWork, run_in_transaction

UowFactory = Callable[[], UnitOfWork]
MakeTicket = Callable[..., Ticket]


@pytest.fixture(scope="module")
def sample() -> Community:
    return load_community()


def without(community: Community, *names: str) -> Community:
    """The community with some staff members removed from the file."""
    staff = tuple(member for member in community.staff if member.name not in names)
    return community.model_copy(update={"staff": staff})


def sync(make_uow: UowFactory, community: Community, now: datetime, **kwargs: Any) -> SyncReport:
    return run_in_transaction(
        make_uow, lambda uow: sync_community(uow.session, community, now=now, **kwargs)
    )


def staff_rows(session: Session) -> dict[str, StaffMember]:
    return {m.name: m for m in session.exec(select(StaffMember).order_by(col(StaffMember.id)))}


def test_loading_the_sample_creates_11_grids_and_36_staff(
    uow_factory: UowFactory, sample: Community, now: datetime
) -> None:
    with uow_factory() as uow:
        assert not community_loaded(uow.session)

    report = sync(uow_factory, sample, now, source_sha256="abc123")

    assert (report.grids_added, report.staff_added) == (11, 36)
    assert report.inactive_staff_with_open_tickets == []
    with uow_factory() as uow:
        assert community_loaded(uow.session)
        assert len(uow.session.exec(select(Grid)).all()) == 11
        rows = staff_rows(uow.session)
        assert len(rows) == 36 and all(m.active for m in rows.values())
        leader = rows["马红霞"]
        g02 = grid_by_code(uow.session, code="G02")
        assert g02 is not None and g02.name == "鼓楼东网格"
        assert (leader.role, leader.grid_id, leader.is_grid_leader) == (
            StaffRole.COMMITTEE, g02.id, True
        )  # fmt: skip
        assert rows["潘晓雯"].specialty == "youth" and rows["潘晓雯"].grid_id is None
        assert rows["田淑芬"].phone == "138-0000-0034"
        meta = all_community_meta(uow.session)
        assert meta == {"code": "F", "name": "福安社区", "sha256": "abc123"}


def test_loading_twice_changes_nothing(
    uow_factory: UowFactory, sample: Community, now: datetime
) -> None:
    sync(uow_factory, sample, now)
    with uow_factory() as uow:
        before = {name: m.model_dump() for name, m in staff_rows(uow.session).items()}

    report = sync(uow_factory, sample, now + timedelta(days=1))

    assert report == SyncReport()
    assert not report.changed
    with uow_factory() as uow:
        after = {name: m.model_dump() for name, m in staff_rows(uow.session).items()}
    assert after == before


def test_a_member_removed_from_the_file_is_deactivated_and_their_open_tickets_reported(
    uow_factory: UowFactory, sample: Community, now: datetime, make_ticket: MakeTicket
) -> None:
    sync(uow_factory, sample, now)
    with uow_factory() as uow:
        rows = staff_rows(uow.session)
        busy, idle, done = rows["孙玉梅"], rows["郑海波"], rows["李卫东"]
        make_ticket(uow.session, assignee_id=busy.id, status=TicketStatus.ACCEPTED)
        make_ticket(uow.session, assignee_id=done.id, status=TicketStatus.CLOSED)
        uow.commit()

    report = sync(uow_factory, without(sample, "孙玉梅", "郑海波", "李卫东"), now)

    assert report.staff_deactivated == 3
    assert report.inactive_staff_with_open_tickets == [busy.id]
    with uow_factory() as uow:
        rows = staff_rows(uow.session)
        assert len(rows) == 36  # deactivated, never deleted
        assert not any(rows[m.name].active for m in (busy, idle, done))

    # Until the tickets are handed on, every later load still reports them.
    again = sync(uow_factory, without(sample, "孙玉梅", "郑海波", "李卫东"), now)
    assert not again.changed and again.inactive_staff_with_open_tickets == [busy.id]


def test_a_member_back_in_the_file_is_reactivated_on_the_same_row(
    uow_factory: UowFactory, sample: Community, now: datetime
) -> None:
    sync(uow_factory, without(sample, "袁军"), now)
    with uow_factory() as uow:
        assert "袁军" not in staff_rows(uow.session)
    sync(uow_factory, sample, now)
    with uow_factory() as uow:
        first_id = staff_rows(uow.session)["袁军"].id
    sync(uow_factory, without(sample, "袁军"), now)

    report = sync(uow_factory, sample, now)

    assert (report.staff_added, report.staff_updated) == (0, 1)
    with uow_factory() as uow:
        member = staff_rows(uow.session)["袁军"]
        assert member.active and member.id == first_id


def test_a_bound_chat_id_survives_a_reload(
    uow_factory: UowFactory, sample: Community, now: datetime
) -> None:
    sync(uow_factory, sample, now)
    with uow_factory() as uow:
        staff_rows(uow.session)["王建国"].chat_id = 2**40  # bound with an invite code
        uow.commit()

    report = sync(uow_factory, sample, now)

    assert not report.changed
    with uow_factory() as uow:
        assert staff_rows(uow.session)["王建国"].chat_id == 2**40


def test_a_chat_id_in_the_file_wins_and_moves_from_its_old_holder(
    uow_factory: UowFactory, sample: Community, now: datetime
) -> None:
    sync(uow_factory, sample, now)
    with uow_factory() as uow:
        staff_rows(uow.session)["王建国"].chat_id = 777
        uow.commit()
    staff = tuple(
        m.model_copy(update={"chat_id": 777}) if m.name == "孙玉梅" else m for m in sample.staff
    )

    report = sync(uow_factory, sample.model_copy(update={"staff": staff}), now)

    assert report.staff_updated == 1
    with uow_factory() as uow:
        rows = staff_rows(uow.session)
        assert (rows["孙玉梅"].chat_id, rows["王建国"].chat_id) == (777, None)


def test_grids_missing_from_the_file_are_deactivated_with_their_members(
    uow_factory: UowFactory, sample: Community, now: datetime
) -> None:
    sync(uow_factory, sample, now)
    smaller = sample.model_copy(
        update={
            "grids": tuple(g for g in sample.grids if g.code != "G11"),
            "staff": tuple(m for m in sample.staff if m.grid != "G11"),
        }
    )

    report = sync(uow_factory, smaller, now)

    assert (report.grids_deactivated, report.staff_deactivated) == (1, 3)
    with uow_factory() as uow:
        g11 = grid_by_code(uow.session, code="G11")
        assert g11 is not None and not g11.active


def test_two_processes_starting_together_apply_the_community_once(
    engine: Engine, uow_factory: UowFactory, now: datetime
) -> None:
    settings = Settings(database_url=str(engine.url))
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(ensure_community, engine, settings, now=now) for _ in range(2)]
        codes = {run.result().code for run in runs}

    assert codes == {"F"}
    with uow_factory() as uow:
        assert len(staff_rows(uow.session)) == 36
