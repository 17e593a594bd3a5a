"""The administration commands of `gridvoice`, run in-process on real databases."""

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import storage.migrate
from bot.cli import main
from bot.community import sample_path
from storage import make_engine
from storage.enums import TicketStatus
from storage.models import Ticket
from storage.repositories import consume_invite_code, staff_by_name
from storage.unit_of_work import UnitOfWork, uow_factory

SAMPLE = str(sample_path())
CODE = re.compile(r"^[A-HJ-NP-Z2-9]{8}$")  # no 0/O, no 1/I


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No token and the sample community, whatever the developer's shell exports."""
    for name in ("GRIDVOICE_COMMUNITY", "TELEGRAM_BOT_TOKEN", "GRIDVOICE_TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty SQLite file as GridVoice's database."""
    url = f"sqlite:///{tmp_path / 'gridvoice.db'}"
    monkeypatch.setenv("GRIDVOICE_DATABASE_URL", url)
    return url


@contextmanager
def unit_of_work(url: str) -> Iterator[UnitOfWork]:
    """A unit of work on its own engine, disposed of afterwards."""
    engine = make_engine(url)
    try:
        with uow_factory(engine)() as uow:
            yield uow
    finally:
        engine.dispose()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one command."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_db_upgrade_then_status_is_current(database: str, capsys: Any) -> None:
    head = storage.migrate.head_revision()
    assert run(capsys, "db", "status")[:2] == (1, f"missing (database none, code {head})\n")

    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and f"at revision {head}" in out

    assert run(capsys, "db", "status")[:2] == (0, f"current (database {head}, code {head})\n")


def test_community_check_accepts_the_sample(capsys: Any) -> None:
    assert run(capsys, "community", "check", SAMPLE)[:2] == (0, "ok: 11 grids, 36 staff\n")


def test_community_check_names_the_broken_field(tmp_path: Path, capsys: Any) -> None:
    broken = tmp_path / "community.yaml"
    text = sample_path().read_text(encoding="utf-8")
    broken.write_text(text.replace("role: police, grid: G11", "role: police, grid: G12"))

    code, out, _ = run(capsys, "community", "check", str(broken))

    assert code == 1
    assert out.splitlines() == ["staff[32].grid: unknown grid 'G12' (袁军)"]


def test_community_load_of_a_broken_file_is_one_line_without_traceback(
    database: str, tmp_path: Path, capsys: Any
) -> None:
    code, out, err = run(capsys, "community", "load", str(tmp_path / "missing.yaml"))

    assert (code, out) == (2, "")
    assert err == f"error: {tmp_path / 'missing.yaml'}: file not found\n"


def test_staff_invite_prints_a_code_on_the_last_line(database: str, capsys: Any) -> None:
    code, out, _ = run(capsys, "staff", "invite", "--member", "王建国")

    assert code == 0
    invite = out.splitlines()[-1]
    assert CODE.match(invite), out
    with unit_of_work(database) as uow:
        member = consume_invite_code(uow.session, code=invite, now=datetime.now(UTC))
        assert member is not None and member.name == "王建国"


def test_staff_invite_json_gives_code_member_and_expiry(database: str, capsys: Any) -> None:
    code, out, _ = run(capsys, "staff", "invite", "--member", "潘晓雯", "--json")

    assert code == 0
    invite = json.loads(out)
    assert set(invite) == {"code", "member", "expires_at"}
    assert CODE.match(invite["code"]) and invite["member"] == "潘晓雯"
    expires = datetime.fromisoformat(invite["expires_at"])
    assert abs(expires - datetime.now(UTC) - timedelta(hours=72)) < timedelta(minutes=1)


def test_an_invite_for_an_unknown_member_exits_1(database: str, capsys: Any) -> None:
    assert run(capsys, "staff", "invite", "--member", "王建国")[0] == 0

    code, out, err = run(capsys, "staff", "invite", "--member", "王建", "--json")

    assert (code, out) == (1, "")
    assert "unknown staff member '王建'" in err


def test_staff_invite_creates_a_new_member(database: str, capsys: Any) -> None:
    argv = ["staff", "invite", "--name", "新民警", "--role", "police", "--grid", "G03"]
    code, out, err = run(capsys, *argv)

    assert code == 0 and CODE.match(out.splitlines()[-1])
    assert "not in the community file" in err
    assert run(capsys, *argv)[0] == 0  # the same person again: a new code, no new member
    with unit_of_work(database) as uow:
        assert len(staff_by_name(uow.session, name="新民警")) == 1

    assert run(capsys, "staff", "invite", "--name", "新人", "--role", "police")[0] == 1


def test_community_load_reports_and_reroutes_members_who_left(
    database: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "community", "load", SAMPLE)[0] == 0
    with unit_of_work(database) as uow:
        staff_id = _open_ticket_for(uow, "孙玉梅")
    smaller = tmp_path / "community.yaml"
    text = sample_path().read_text(encoding="utf-8")
    smaller.write_text("\n".join(line for line in text.splitlines() if "孙玉梅" not in line))
    calls: list[tuple[Any, ...]] = []

    def reroute_open_tickets(*args: Any) -> int:
        calls.append(args)
        return 1

    fake = ModuleType("bot.service.rerouting")
    fake.reroute_open_tickets = reroute_open_tickets  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.service.rerouting", fake)

    code, out, _ = run(capsys, "community", "load", str(smaller))

    assert code == 0
    assert "staff: 0 added, 0 updated, 1 deactivated" in out
    assert f"孙玉梅 (id {staff_id}): 1 open" in out
    [(uow, staff_ids, community, _now)] = calls
    assert isinstance(uow, UnitOfWork) and staff_ids == [staff_id] and community.code == "F"

    monkeypatch.setitem(sys.modules, "bot.service.rerouting", None)  # not written yet
    code, out, _ = run(capsys, "community", "load", str(smaller))
    assert code == 0 and out.splitlines()[1] == "no changes"
    assert "re-routing is not available yet" in out


def _open_ticket_for(uow: UnitOfWork, name: str) -> int:
    [member] = staff_by_name(uow.session, name=name)
    assert member.id is not None
    uow.session.add(Ticket(category="dispute", text="邻居吵架", assignee_id=member.id,
                           status=TicketStatus.ASSIGNED))  # fmt: skip
    uow.commit()
    return member.id


@pytest.mark.postgres
def test_postgres_with_an_old_schema_is_refused_until_db_upgrade(
    postgres_url: str, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDVOICE_DATABASE_URL", postgres_url)

    code, _, err = run(capsys, "staff", "invite", "--member", "王建国")
    assert code == 2
    assert err.startswith("error: the database ") and "`gridvoice db upgrade`" in err
    assert "Traceback" not in err

    assert run(capsys, "db", "upgrade")[0] == 0
    with monkeypatch.context() as patch:
        head = storage.migrate.head_revision()
        patch.setattr(storage.migrate, "head_revision", lambda: "9999")  # the code is newer
        code, out, _ = run(capsys, "db", "status")
        assert code == 1 and out.startswith(f"outdated (database {head}")
        code, _, err = run(capsys, "community", "load", SAMPLE)
        assert code == 2 and "has an older schema; run `gridvoice db upgrade` first" in err

    assert run(capsys, "community", "load", SAMPLE)[0] == 0
    with unit_of_work(postgres_url) as uow:
        assert [m.name for m in staff_by_name(uow.session, name="袁军")] == ["袁军"]
