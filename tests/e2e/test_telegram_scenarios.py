"""One scenario suite, run unchanged on python-telegram-bot and on aiogram, over real HTTP."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from storage.enums import TicketStatus

if TYPE_CHECKING:
    from tests.e2e.conftest import Telegram

RESIDENT, MERCHANT, ASSIGNEE, LEADER, OUTSIDER = 1001, 1002, 5001, 5003, 5002


async def report(
    tg: Telegram, user: int, text: str = "楼下垃圾桶满了好几天没人清理，臭死了"
) -> None:
    tg.say(user, text)
    await tg.said(user, "对吗？")
    tg.press(user, "对，提交")
    await tg.said(user, "已登记，编号")


async def accept_and_resolve(tg: Telegram, resident: int, note: str) -> None:
    """The assignee signs off, resolves with ``note``, and the resident is asked if it is solved."""
    tg.press(ASSIGNEE, "签收")
    await tg.said(resident, "处理中")
    tg.press(ASSIGNEE, "办结")
    await tg.said(ASSIGNEE, "处理结果")
    tg.say(ASSIGNEE, note)
    await tg.said(resident, f"已办结：{note}")


async def test_a_resident_reports_and_the_right_member_resolves(telegram: Telegram) -> None:
    tg = telegram
    tg.bind_staff("胡淑珍", ASSIGNEE)  # committee member of 后街东网格: environment
    await tg.said(ASSIGNEE, "绑定成功")
    await tg.onboard(RESIDENT)
    await report(tg, RESIDENT)
    assignment = await tg.said(ASSIGNEE, "新任务 F-000001")
    assert "环境卫生" in assignment and "本地户籍居民" in assignment
    await accept_and_resolve(tg, RESIDENT, "已清运")
    tg.press(RESIDENT, "解决了")
    await tg.said(RESIDENT, "打分")
    tg.press(RESIDENT, "5")
    await tg.said(RESIDENT, "谢谢您的评价")
    ticket = tg.tickets()[0]
    assert ticket.status == TicketStatus.CLOSED and ticket.rating == 5


async def test_a_migrant_merchant_is_served_and_not_solved_reopens(telegram: Telegram) -> None:
    tg = telegram
    tg.bind_staff("胡淑珍", ASSIGNEE)
    await tg.said(ASSIGNEE, "绑定成功")
    await tg.onboard(MERCHANT, residence="商户")
    await report(tg, MERCHANT)
    assert "商户/摊主" in await tg.said(ASSIGNEE, "新任务")
    await accept_and_resolve(tg, MERCHANT, "好了")
    tg.press(MERCHANT, "没解决")
    await tg.said(ASSIGNEE, "居民反馈未解决")
    assert tg.tickets()[0].reopen_count == 1


async def test_forged_presses_change_nothing_and_are_answered(telegram: Telegram) -> None:
    tg = telegram
    tg.bind_staff("胡淑珍", ASSIGNEE)
    tg.bind_staff("韩磊", OUTSIDER)  # police officer of another grid
    await tg.said(OUTSIDER, "绑定成功")
    await tg.onboard(RESIDENT)
    await report(tg, RESIDENT)
    _message, accept = (
        tg.keyboard_message(ASSIGNEE, "签收") if await tg.said(ASSIGNEE, "新任务") else (None, "")
    )
    tg.fake.inject_callback(OUTSIDER, accept)
    tg.fake.inject_callback(RESIDENT, accept)
    tg.fake.inject_callback(RESIDENT, "t:accept:999999")
    tg.fake.inject_callback(RESIDENT, "\x00garbage")
    await tg.answered("不能操作")
    await asyncio.sleep(1.0)
    assert sum("不能操作" in (a.text or "") for a in tg.fake.callback_answers) >= 3
    assert tg.tickets()[0].status == TicketStatus.ASSIGNED


async def test_a_redelivered_update_makes_one_ticket(telegram: Telegram) -> None:
    tg = telegram
    await tg.onboard(RESIDENT)
    update_id = tg.say(RESIDENT, "楼道着火了！快来人")
    await tg.said(RESIDENT, "已登记")
    tg.fake.redeliver(update_id)
    tg.say(RESIDENT, "/my")
    await tg.said(RESIDENT, "您的问题")
    assert len(tg.tickets()) == 1 and tg.tickets()[0].urgent


async def test_a_429_storm_delays_but_loses_nothing(telegram: Telegram) -> None:
    tg = telegram
    for _ in range(3):
        tg.fake.fail_next("sendMessage", status=429, retry_after=1)
    tg.say(RESIDENT, "/start")
    await tg.said(RESIDENT, "同意后开始使用", timeout=15)
    refused = [c for c in tg.fake.calls_to("sendMessage") if c.status == 429]
    delivered = [c for c in tg.fake.calls_to("sendMessage") if c.status == 200]
    assert len(refused) == 3 and delivered
    assert delivered[0].time - refused[0].time >= 1.0


async def test_a_blocked_assignee_hands_the_ticket_on(telegram: Telegram) -> None:
    tg = telegram
    tg.bind_staff("胡淑珍", ASSIGNEE)
    tg.bind_staff("刘志强", LEADER)
    await tg.said(LEADER, "绑定成功")
    tg.fake.block_chat(ASSIGNEE)
    await tg.onboard(RESIDENT)
    await report(tg, RESIDENT)
    await tg.said(LEADER, "新任务 F-000001")
    assert tg.tickets()[0].assignee_id != tg.tickets()[0].reporter_id


async def test_unsupported_updates_get_a_short_reply_or_are_ignored(telegram: Telegram) -> None:
    tg = telegram
    await tg.onboard(RESIDENT)
    tg.fake.inject_sticker(RESIDENT)
    await tg.said(RESIDENT, "只能收文字")
    tg.fake.inject_edited_message(RESIDENT, "改了")
    tg.fake.inject_group_message(-100123, RESIDENT, "群里说话")
    tg.fake.inject_channel_post(-100999, "频道通知")
    tg.say(RESIDENT, "/my")
    await tg.said(RESIDENT, "还没有反映过问题")
    assert tg.tickets() == []


async def test_the_command_menu_is_registered(telegram: Telegram) -> None:
    tg = telegram
    await tg.onboard(RESIDENT)
    commands = [c["command"] for c in tg.fake.commands_for()]
    assert {"start", "my", "help"} <= set(commands)


async def test_a_returned_ticket_is_dispatched_again_by_the_leader(telegram: Telegram) -> None:
    tg = telegram
    tg.bind_staff("胡淑珍", ASSIGNEE)
    tg.bind_staff("刘志强", LEADER)
    await tg.said(LEADER, "绑定成功")
    await tg.onboard(RESIDENT)
    await report(tg, RESIDENT)
    await tg.said(ASSIGNEE, "新任务")
    tg.press(ASSIGNEE, "退单")
    await tg.said(ASSIGNEE, "退单原因")
    tg.say(ASSIGNEE, "这是物业的事")
    await tg.said(LEADER, "这是物业的事")
    tg.press(LEADER, "重新派单")
    await tg.said(LEADER, "新任务 F-000001")
    ticket = tg.tickets()[0]
    assert ticket.status == TicketStatus.ASSIGNED and ticket.return_count == 1
