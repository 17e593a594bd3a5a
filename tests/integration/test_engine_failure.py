"""When a turn fails, nothing of it is kept and the person is told, through the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from bot.texts import text
from storage.enums import OutboxStatus
from storage.models import OutboxMessage

if TYPE_CHECKING:
    from tests.integration.conftest import World


def test_a_failed_turn_keeps_nothing_and_queues_an_apology(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident = world.chat(1001)
    world.onboard(resident)

    def broken(_text: str) -> None:
        raise RuntimeError("the classifier broke")

    monkeypatch.setattr(world.app.services, "classify", broken)
    resident.say("垃圾桶满了没人清理")
    assert resident.last == text("error")
    assert world.tickets() == []
    with world.app.uow_factory() as uow:
        queued = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == 1001)).all()
        apologies = [m for m in queued if m.text == text("error")]
        assert [m.status for m in apologies] == [OutboxStatus.PENDING]
