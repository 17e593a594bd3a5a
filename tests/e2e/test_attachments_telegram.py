"""Photos and documents from the outbox reach Telegram as multipart uploads, on both frameworks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.service.context import Mailer
from storage.enums import OutboxKind

if TYPE_CHECKING:
    from tests.e2e.conftest import Telegram
    from tests.fake_telegram import SentMessage

RESIDENT, CHAIR = 1001, 7001
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
CSV = "编号,类型\nF-000001,环境卫生\n".encode()


async def test_a_queued_photo_and_document_are_uploaded_with_name_and_caption(
    telegram: Telegram,
) -> None:
    tg = telegram
    with tg.app.uow_factory() as uow:
        mailer = Mailer(uow.session, tg.app.services.clock())
        mailer.send_file(RESIDENT, "本周周报", PNG, "weekly-report.png", OutboxKind.PHOTO)
        mailer.send_file(RESIDENT, "", CSV, "tickets.csv", OutboxKind.DOCUMENT)
        uow.commit()
    photo, document = await tg.fake.wait_for_sent(RESIDENT, count=2, timeout=10)
    assert (photo.method, photo.file_name, photo.file_size) == (
        "sendPhoto",
        "weekly-report.png",
        len(PNG),
    )
    assert photo.caption == "本周周报"
    assert (document.method, document.file_name, document.caption) == (
        "sendDocument",
        "tickets.csv",
        None,
    )
    stored = tg.fake.files[document.message["document"]["file_id"]]
    assert stored.content == CSV


async def chair_gets(tg: Telegram, command: str, method: str) -> SentMessage:
    """Bind the chair, send ``command``, and return the upload it brings (by ``method``)."""
    tg.bind_staff("田淑芬", CHAIR)
    await tg.said(CHAIR, "绑定成功")
    tg.say(CHAIR, command)
    upload = await tg.fake.wait_for(lambda call: call.method == method, timeout=30)
    [sent] = [m for m in tg.fake.sent_messages(CHAIR) if m.seq == upload.seq]
    return sent


async def test_the_chair_asks_for_the_weekly_report_and_gets_a_photo(telegram: Telegram) -> None:
    sent = await chair_gets(telegram, "/report", "sendPhoto")
    name = sent.file_name or ""
    assert name.startswith("report-") and name.endswith(".png")
    assert sent.file_size and sent.file_size > 20_000 and "周报" in (sent.caption or "")


async def test_the_chair_exports_the_tickets_as_a_document(telegram: Telegram) -> None:
    sent = await chair_gets(telegram, "/export csv", "sendDocument")
    assert sent.file_name and sent.file_name.endswith(".csv") and sent.file_size
    assert "不含个人信息" in (sent.caption or "")
