"""Exports on a real database: one row per ticket, personal data only when asked and recorded."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import select

from bot.cli import main
from bot.committee.export import (
    UnknownGrid,
    export_tickets,
    record_personal_data_export,
)
from storage.models import AuditEntry, Resident

if TYPE_CHECKING:
    from tests.integration.conftest import World


def two_tickets(world: World) -> None:
    """F-000001 signed off, resolved, confirmed and rated 5; F-000002 never signed off."""
    assignee = world.staff("胡淑珍", 5001)
    resident = world.chat(1001)
    resident.share_contact("13800138000")
    world.submit(resident)
    assignee.press("签收")
    assignee.press("办结")
    assignee.say("已联系环卫清运")
    world.deliver_all()
    resident.press("解决了")
    resident.press("5")
    resident.say('=HYPERLINK("http://evil") 楼下垃圾桶又满了，电话13800138000')
    resident.press("对，提交")
    with world.app.uow_factory() as uow:
        for row in uow.session.exec(select(Resident).where(Resident.chat_id == 1001)):
            row.display_name = "王小明"
        uow.commit()


def rows(world: World, **options: object) -> list[dict[str, str]]:
    with world.app.uow_factory() as uow:
        data, name = export_tickets(
            uow.session, fmt="csv", now=world.now + timedelta(days=30), **options
        )  # type: ignore[arg-type]
    assert data.startswith(b"\xef\xbb\xbf") and name.endswith(".csv")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_rows_summarise_tickets_without_personal_data(world: World) -> None:
    two_tickets(world)
    first, second = rows(world)
    assert (
        first["编号"] == "F-000001" and first["状态"] == "已关闭" and first["网格"] == "后街东网格"
    )
    assert first["派单时间"] == "2026-11-27 10:00" and first["首次派给"] == "居委会委员"
    assert (first["按时签收"], first["按时办结"], first["评分"]) == ("是", "是", "5")
    assert first["居民认为已解决"] == "是" and first["记录条数"] == "6"
    assert first["反映人类型"] == "商户/摊主" and first["来源"] == "chat"
    assert (second["按时签收"], second["按时办结"], second["签收时间"]) == ("否", "否", "")
    for secret in ("王小明", "13800138000", "后街12号", "5001", "1001", "胡淑珍"):
        assert secret not in repr([first, second])
    assert "电话" not in first and second["内容"].endswith("电话***")
    assert second["内容"].startswith("'=HYPERLINK")  # Excel would run it as a formula
    assert len(rows(world, grid_code="G04")) == 2
    assert rows(world, grid_code="G01") == []
    assert rows(world, since=world.now + timedelta(minutes=1)) == []
    with pytest.raises(UnknownGrid), world.app.uow_factory() as uow:
        export_tickets(uow.session, fmt="csv", grid_code="ZZ")


def test_personal_data_when_asked_and_its_use_recorded(world: World) -> None:
    two_tickets(world)
    personal = rows(world, with_personal_data=True)
    assert personal[0]["反映人"] == "王小明" and personal[0]["电话"] == "13800138000"
    assert personal[0]["住址"] == "后街12号" and personal[0]["承办人"] == "胡淑珍"
    with world.app.uow_factory() as uow:
        record_personal_data_export(uow.session, actor="staff:7", fmt="xlsx", now=world.now)
        uow.commit()
    entry = world.one(AuditEntry)
    resident = world.one(Resident, Resident.chat_id == 1001)
    assert entry.actor == "staff:7" and entry.action == "export_personal_data"  # type: ignore[attr-defined]
    assert entry.details == {  # type: ignore[attr-defined]
        "format": "xlsx", "since": None, "grid": None, "tickets": 2,
        "resident_ids": [resident.id],  # type: ignore[attr-defined]
    }  # fmt: skip


def test_the_command_writes_csv_and_xlsx_and_records_personal_exports(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    two_tickets(world)
    monkeypatch.setenv("GRIDVOICE_DATABASE_URL", world.app.settings.database_url)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "csv", "--since", "2026-11-27", "--grid", "G04"]) == 0
    written = capsys.readouterr().out.strip()
    assert written.startswith("tickets-G04-") and written.endswith(".csv")
    assert (tmp_path / written).read_bytes().count(b"\r\n") == 3
    with world.app.uow_factory() as uow:
        assert uow.session.exec(select(AuditEntry)).all() == []
    assert main(["export", "--format", "xlsx", "--out", "p.xlsx", "--with-personal-data"]) == 0
    sheet = load_workbook(tmp_path / "p.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("编号", "登记时间") and "电话" in values[0]
    assert values[1][0] == "F-000001" and values[1][1].strftime("%H:%M") == "10:00"
    assert len(values) == 3 and sheet.freeze_panes == "A2"
    assert world.one(AuditEntry).actor.startswith("cli:")  # type: ignore[attr-defined]
    assert main(["export", "--grid", "ZZ", "--with-personal-data"]) == 1
    assert "no grid 'ZZ'" in capsys.readouterr().err
    with world.app.uow_factory() as uow:
        assert len(uow.session.exec(select(AuditEntry)).all()) == 1  # a refused export: no entry
