"""/report in the chat and the weekly digest: the chair gets the report image as a photo."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from sqlmodel import select

from bot.committee import report_image
from bot.service.digests import send_digest
from storage.enums import OutboxKind
from storage.models import OutboxMessage

if TYPE_CHECKING:
    from tests.integration.conftest import World

CHAIR, LEADER, RESIDENT = 7001, 7002, 1001
MONDAY_9AM = datetime.fromisoformat("2026-11-30T09:00:00+08:00")


def photos(world: World) -> list[OutboxMessage]:
    with world.app.uow_factory() as uow:
        statement = select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.PHOTO)
        rows = list(uow.session.exec(statement))
        uow.session.expunge_all()
        return rows


def test_the_chair_gets_last_weeks_report_as_a_photo(world: World) -> None:
    chair = world.staff("田淑芬", CHAIR)
    world.submit(world.chat(RESIDENT))
    chair.say("/report")
    sent = chair.inbox[-1]
    assert sent.kind == OutboxKind.PHOTO and sent.attachment_name == "report-2026-11-26.png"
    assert sent.text == "福安社区周报 11月20日至11月26日"
    assert Image.open(io.BytesIO(sent.attachment or b"")).format == "PNG"
    assert len(photos(world)) == 1


def test_others_are_refused_and_a_bad_date_gets_the_usage(world: World) -> None:
    leader = world.staff("刘志强", LEADER)
    resident = world.chat(RESIDENT)
    world.onboard(resident)
    for chat in (leader, resident):
        chat.say("/report")
        assert "只对居委会主任开放" in chat.last
    chair = world.staff("田淑芬", CHAIR)
    chair.say("/report soon")
    assert "/report 2026-11-30" in chair.last
    assert photos(world) == []


def test_the_weekly_digest_brings_the_image_and_the_daily_one_does_not(world: World) -> None:
    world.staff("田淑芬", CHAIR)
    for weekly in (False, True):
        with world.app.uow_factory() as uow:
            send_digest(uow.session, world.app.services, now=MONDAY_9AM, weekly=weekly)
            uow.commit()
        assert len(photos(world)) == int(weekly)
    [photo] = photos(world)
    assert photo.attachment_name == "report-2026-11-29.png" and "周报" in photo.text


def test_the_weekly_digest_goes_even_when_the_image_cannot_be_drawn(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(report: object) -> bytes:
        raise RuntimeError("no font")

    monkeypatch.setattr(report_image, "render_png", broken)
    world.staff("田淑芬", CHAIR)
    with world.app.uow_factory() as uow:
        assert send_digest(uow.session, world.app.services, now=MONDAY_9AM, weekly=True) == 1
        uow.commit()
    assert photos(world) == []
