"""/export: the chair gets the tickets as a spreadsheet document, without personal data."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import load_workbook

from storage.enums import OutboxKind

if TYPE_CHECKING:
    from tests.integration.conftest import World

CHAIR, LEADER, RESIDENT = 7001, 7002, 1001


def test_the_chair_gets_an_excel_file_without_personal_data(world: World) -> None:
    chair = world.staff("田淑芬", CHAIR)
    world.submit(world.chat(RESIDENT))
    chair.say("/export")
    sent = chair.inbox[-1]
    assert sent.kind == OutboxKind.DOCUMENT and (sent.attachment_name or "").endswith(".xlsx")
    assert "不含个人信息" in sent.text
    sheet = load_workbook(io.BytesIO(sent.attachment or b""), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert "编号" in header and "电话" not in header and "反映人" not in header
    assert [row[header.index("编号")] for row in rows] == ["F-000001"]


def test_format_grid_and_start_can_be_chosen(world: World) -> None:
    chair = world.staff("田淑芬", CHAIR)
    world.submit(world.chat(RESIDENT))  # 后街东网格, G04
    chair.say("/export csv g04 2026-11-01")
    own = chair.inbox[-1]
    assert (own.attachment_name or "").endswith(".csv") and b"F-000001" in (own.attachment or b"")
    chair.say("/export csv G01")
    assert b"F-000001" not in (chair.inbox[-1].attachment or b"")
    chair.say("/export csv 2026-11-28")
    assert b"F-000001" not in (chair.inbox[-1].attachment or b"")


def test_unknown_grids_bad_dates_and_other_people_are_answered_in_words(world: World) -> None:
    chair = world.staff("田淑芬", CHAIR)
    chair.say("/export G99")
    assert "没有这个网格：G99" in chair.last
    chair.say("/export 2026-13-01")
    assert "/export csv" in chair.last
    leader = world.staff("刘志强", LEADER)
    resident = world.chat(RESIDENT)
    world.onboard(resident)
    for chat in (leader, resident):
        chat.say("/export")
        assert "导出只对居委会主任开放" in chat.last
    assert all(m.attachment is None for c in (chair, leader, resident) for m in c.inbox)
