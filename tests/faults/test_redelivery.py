"""Every update delivered twice, shuffled within each chat: the bot does nothing twice.

Each resident sends six updates — two complaints with a press of 对，提交 after each, one urgent
complaint (a ticket at once) and /my — and each is delivered twice. A chat's twelve deliveries
are shuffled (seeded); chats are fed side by side, one delivery per chat per round, and a round
starts only when the previous one was handed out, so a second copy always comes in a later
getUpdates answer than the first. The expected effects are those of delivering each update once,
in the order of its first copy, computed by a small model of the conversation.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.faults.driver import complaint_text
from tests.faults.faulty_telegram import FaultyTelegram, FaultyTelegramThread
from tests.faults.harness import (
    TASK,
    BotProcess,
    bot_env,
    codes_in,
    prepare,
    scaled,
    ticket_rows,
    wait_for_outbox,
)

RESIDENTS, SEED = scaled(40, 150), 7
FIRST_CHAT = 40_000
URGENT = "楼道里有人给电动车飞线充电，冒火花了！"


@dataclass(frozen=True)
class Update:
    kind: str  # "normal", "urgent", "my" or "press"
    text: str = ""


def script(resident: int) -> list[Update]:
    """One resident's six distinct updates."""
    return [
        Update("normal", complaint_text(resident, 0)),
        Update("press"),
        Update("urgent", f"{URGENT}（{complaint_text(resident, 1)[-8:]}"),
        Update("my"),
        Update("normal", complaint_text(resident, 2)),
        Update("press"),
    ]


def expected(updates: list[Update]) -> tuple[int, set[str]]:
    """(messages to the resident, texts that become tickets) when each update comes once."""
    messages, tickets, waiting = 0, set[str](), ""
    for update in updates:
        if update.kind == "normal":
            messages, waiting = messages + 1, update.text  # the suggested category
        elif update.kind == "urgent":
            messages, waiting = messages + 2, ""  # emergency numbers, then the ticket code
            tickets.add(update.text)
        elif update.kind == "my":
            messages += 1
        elif waiting:
            tickets.add(waiting)
            messages, waiting = messages + 1, ""  # the ticket code
    return messages, tickets


def deliver(fake: FaultyTelegram, chat: int, update: Update, ids: dict[Update, int]) -> int:
    """The first copy is injected, the second is the same update delivered again."""
    if update in ids:
        fake.redeliver(ids[update])
        return ids[update]
    if update.kind == "press":
        ids[update] = fake.inject_callback(chat, "k:yes", message_id=1)
    elif update.kind == "my":
        ids[update] = fake.inject_command(chat, "/my")
    else:
        ids[update] = fake.inject_text(chat, update.text)
    return ids[update]


def test_every_update_twice_shuffled_within_each_chat_has_each_effect_once(
    database_url: str, community: Path, tmp_path: Path
) -> None:
    prepare(database_url, community, RESIDENTS, first_chat=FIRST_CHAT)
    rng = random.Random(SEED)
    plans: dict[int, list[Update]] = {}
    for n in range(RESIDENTS):
        updates = [Update(u.kind, u.text or f"{u.kind}-{i}") for i, u in enumerate(script(n))]
        plans[FIRST_CHAT + n] = rng.sample(updates * 2, len(updates) * 2)
    ids: dict[int, dict[Update, int]] = {chat: {} for chat in plans}
    pushed: Counter[int] = Counter()
    with FaultyTelegramThread() as fake:
        bot = BotProcess(bot_env(fake, database_url, community), tmp_path)
        try:
            bot.start_polling(fake)
            for round_ in range(len(next(iter(plans.values())))):
                pushed.update(
                    deliver(fake, chat, plan[round_], ids[chat]) for chat, plan in plans.items()
                )
                wait_until(lambda: all(fake.handed_out[u] >= n for u, n in pushed.items()), 60)
            wait_until(lambda: not fake.pending_updates(), 60)
            assert wait_for_outbox(database_url, timeout=60)
        finally:
            code = bot.stop()
        sent = fake.sent_messages()
    assert code == 0, bot.log_tail()
    tickets = ticket_rows(database_url)
    tasks = Counter(code for chat in codes_in(sent, TASK).values() for code in chat.elements())
    messages = Counter(m.chat_id for m in sent)
    wrong = {}
    for chat, plan in plans.items():
        first = list(dict.fromkeys(plan))  # each update in the order of its first copy
        want_messages, want_tickets = expected(first)
        got_tickets = {t.text for t in tickets if t.reporter_chat == chat}
        if (messages[chat], got_tickets) != (want_messages, want_tickets):
            shown = [m.text for m in sent if m.chat_id == chat]
            wrong[chat] = (messages[chat], want_messages, got_tickets ^ want_tickets, first, shown)
    print(f"{len(pushed)} updates, {sum(pushed.values())} deliveries, {len(tickets)} tickets")
    assert min(fake.handed_out[u] for u in pushed) >= 2
    assert len(tickets) == len({t.text for t in tickets})
    assert not wrong, list(wrong.items())[:5]
    assert sorted(tasks.values()) == [1] * len(tickets)
    assert set(tasks) == {t.code for t in tickets}


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
