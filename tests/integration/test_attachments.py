"""Photos and documents through the outbox: queued with the change, uploaded by the sender."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from bot.channels.console import Console
from bot.channels.delivery import OutboxSender, RateLimiter
from bot.service.context import Buttons, Mailer
from storage.enums import OutboxKind, OutboxStatus
from storage.models import OutboxMessage

if TYPE_CHECKING:
    from tests.integration.conftest import World

PNG = b"\x89PNG\r\n\x1a\n" + bytes(3000)
CHAIR = 7001


@dataclass
class TextOnly:
    """A transport that can only send text."""

    sent: list[tuple[int, str]] = field(default_factory=list)

    async def send(self, chat_id: int, text: str, buttons: Buttons | None) -> None:
        self.sent.append((chat_id, text))


@dataclass
class Uploading(TextOnly):
    """A transport that also uploads files."""

    files: list[tuple[int, str, int, str, OutboxKind]] = field(default_factory=list)

    async def send_file(
        self, chat_id: int, caption: str, data: bytes, name: str, kind: OutboxKind
    ) -> None:
        self.files.append((chat_id, caption, len(data), name, kind))


def queue_file(
    world: World, caption: str = "本周周报", kind: OutboxKind = OutboxKind.PHOTO
) -> None:
    with world.app.uow_factory() as uow:
        Mailer(uow.session, world.now).send_file(CHAIR, caption, PNG, "report.png", kind)
        uow.commit()


def flush(world: World, transport: TextOnly) -> int:
    limiter = RateLimiter(per_chat_interval=0.0)
    sender = OutboxSender(world.app.uow_factory, transport, world.app.services, limiter=limiter)
    return asyncio.run(sender.flush())


def outbox(world: World) -> list[OutboxMessage]:
    with world.app.uow_factory() as uow:
        rows = list(uow.session.exec(select(OutboxMessage)))
        uow.session.expunge_all()
        return rows


def test_a_file_is_queued_only_with_the_transaction_that_sends_it(world: World) -> None:
    with world.app.uow_factory() as uow:
        Mailer(uow.session, world.now).send_file(CHAIR, "周报", PNG, "report.png", OutboxKind.PHOTO)
        uow.rollback()
    assert outbox(world) == []
    queue_file(world)
    [row] = outbox(world)
    assert (row.kind, row.attachment, row.attachment_name) == (OutboxKind.PHOTO, PNG, "report.png")


def test_the_sender_uploads_the_file_with_its_caption_once(world: World) -> None:
    queue_file(world)
    queue_file(world, "工单导出", OutboxKind.DOCUMENT)
    transport = Uploading()
    assert flush(world, transport) == 2 and flush(world, transport) == 0
    assert transport.files == [
        (CHAIR, "本周周报", len(PNG), "report.png", OutboxKind.PHOTO),
        (CHAIR, "工单导出", len(PNG), "report.png", OutboxKind.DOCUMENT),
    ]
    assert transport.sent == [] and all(r.status == OutboxStatus.SENT for r in outbox(world))


def test_a_caption_too_long_for_telegram_follows_the_file_as_a_message(world: World) -> None:
    long_caption = "统计" * 600
    queue_file(world, long_caption)
    transport = Uploading()
    flush(world, transport)
    assert transport.files[0][1] == "" and transport.sent == [(CHAIR, long_caption)]


def test_a_channel_that_cannot_upload_says_so_instead_of_failing(world: World) -> None:
    queue_file(world)
    transport = TextOnly()
    assert flush(world, transport) == 1
    assert transport.sent == [(CHAIR, "本周周报\n（附件 report.png 不能在这里发送）")]


def test_only_photos_and_documents_carry_files(world: World) -> None:
    with world.app.uow_factory() as uow, pytest.raises(ValueError, match="photo or a document"):
        Mailer(uow.session, world.now).send_file(CHAIR, "x", PNG, "a.png", OutboxKind.SEND)


def test_the_console_shows_the_file_and_saves_it(world: World, tmp_path: Path) -> None:
    out = io.StringIO()
    console = Console(world.app, out, names={CHAIR: "田淑芬"}, files_dir=tmp_path)
    with world.app.uow_factory() as uow:
        mailer = Mailer(uow.session, world.now)
        mailer.send_file(CHAIR, "本周周报", PNG, "report.png", OutboxKind.PHOTO)
        uow.commit()
    console.deliver(mailer.sent)
    assert (
        out.getvalue()
        == f"→ [田淑芬] [图片 report.png, 3 KB → {tmp_path / 'report.png'}] 本周周报\n"
    )
    assert (tmp_path / "report.png").read_bytes() == PNG
    assert outbox(world)[0].status == OutboxStatus.SENT
