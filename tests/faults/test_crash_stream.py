"""SIGKILL ``gridvoice run`` five times during a stream of 1,000 complaints from 200 residents.

Scaled by default to 200 complaints from 100 residents (GRIDVOICE_FAULTS_FULL=1: the full size).

Where a kill lands is chosen by a seeded RNG as a point of progress (a number of acknowledged
complaints) plus a random delay of up to half a second. The load is continuous — updates are
fetched and handled, the outbox sends, a sweep runs every second and reminders fall due (sign-off
within a minute, reminders a minute ahead: a ticket's first reminder is due as soon as it is
made, the next a minute later) — so a kill interrupts updates received and not yet committed, messages committed
and not yet sent, and reminders due. The last kill waits, polling the outbox
every few milliseconds, for a sweep's reminders committed and not yet sent (a kill inside the
sweep's own transaction, which lasts milliseconds, cannot be aimed at from outside; it is rolled
back like any other). What was in flight is read back after each kill and printed (``pytest -s``).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tests.faults.driver import Driver
from tests.faults.faulty_telegram import FaultyTelegram, FaultyTelegramThread
from tests.faults.harness import (
    ACK,
    FIRST_CHAT,
    TASK,
    BotProcess,
    bot_env,
    codes_in,
    describe,
    fault_community,
    outbox_counts,
    outbox_rows,
    prepare,
    reminder_delivered,
    reminder_events,
    scaled,
    ticket_rows,
    wait_for_outbox,
)

RESIDENTS, PER_RESIDENT = scaled(100, 200), scaled(2, 5)
KILLS, SEED = 5, 20261127
COMPLAINTS = RESIDENTS * PER_RESIDENT
OUTBOX_BATCH = 50


def reminders_unsent(url: str) -> int:
    """Reminders a sweep committed that are not recorded as sent yet."""
    marks = ("⏰ 提醒", "⚠️ F-", "【催办】", "【督办】")
    rows = outbox_rows(url)
    return sum(1 for _, text, status in rows if status == "pending" and text.startswith(marks))


def in_flight(fake: FaultyTelegram, url: str, killed_at: datetime) -> dict[str, int]:
    """What a kill interrupted: updates in hand, messages not recorded as sent, reminders due
    and not yet swept or swept and not yet sent."""
    due = sum(1 for t in ticket_rows(url) if t.next_reminder_at and t.next_reminder_at <= killed_at)
    return {
        "updates in hand": fake.in_hand(),
        "messages not sent": outbox_counts(url)["pending"],
        "reminders in flight": due + reminders_unsent(url),
    }


def sweep_moment(driver: Driver, url: str, timeout: float) -> None:
    """Step the residents until a sweep's reminders are committed and not yet sent."""
    deadline = time.monotonic() + timeout
    while not reminders_unsent(url) and time.monotonic() < deadline:
        driver.step()
        time.sleep(0.005)


def test_five_sigkills_during_a_stream_of_complaints_lose_and_double_nothing(
    database_url: str, tmp_path: Path
) -> None:
    url, community = database_url, fault_community(tmp_path, sign_off="1m", lead="1m")
    prepare(url, community, RESIDENTS)
    rng = random.Random(SEED)
    kills = sorted(rng.sample(range(COMPLAINTS // 10, COMPLAINTS * 9 // 10), KILLS))
    interrupted: list[dict[str, int]] = []
    started = time.monotonic()
    with FaultyTelegramThread() as fake:
        bot = BotProcess(bot_env(fake, url, community), tmp_path)
        driver = Driver.of(fake, [FIRST_CHAT + n for n in range(RESIDENTS)], PER_RESIDENT)
        try:
            bot.start_polling(fake)
            for number, threshold in enumerate(kills, 1):
                driver.run_until(threshold, timeout=120)
                pause_until = time.monotonic() + rng.uniform(0, 0.5)
                while time.monotonic() < pause_until:
                    driver.step()
                if number == KILLS:  # the last kill waits for a sweep's reminders in flight
                    sweep_moment(driver, url, timeout=120)
                bot.kill()
                interrupted.append(in_flight(fake, url, datetime.now(UTC)))
                bot.start()
            driver.run_until(COMPLAINTS, timeout=240)
            caught_up = wait_for_sweeps(url, timeout=60) and wait_for_outbox(url, timeout=60)
        finally:
            code = bot.stop()
        sent = fake.sent_messages()
    assert code == 0, bot.log_tail()
    for number, what in enumerate(interrupted, 1):
        print(f"kill {number}: {describe(what)}")
    tickets = ticket_rows(url)
    texts = Counter(t.text for t in tickets)
    acks, tasks = codes_in(sent, ACK), codes_in(sent, TASK)
    by_chat: dict[int, list[str]] = {}
    for message in sent:
        by_chat.setdefault(message.chat_id, []).append(message.text or "")
    events = reminder_events(url)
    lost = [e for e in events if not any_chat_reminded(by_chat, *e)]
    resent = sum(n - 1 for n in Counter((m.chat_id, m.text) for m in sent if ACK.search(m.text or "") or TASK.search(m.text or "")).values())  # fmt: skip
    print(f"{len(tickets)} tickets, {len(events)} reminders, {resent} messages sent twice, "
          f"{time.monotonic() - started:.0f} s")  # fmt: skip
    assert len(tickets) == COMPLAINTS
    assert max(texts.values()) == 1, texts.most_common(3)
    assert driver.acknowledged == COMPLAINTS
    assert all(t.code in acks.get(t.reporter_chat, {}) for t in tickets)
    assert all(t.code in tasks.get(t.assignee_chat or 0, {}) for t in tickets)
    assert caught_up, "reminders still due after the last sweep"
    assert len(events) == len(set(events)), "a reminder step was taken twice"
    assert len(events) >= COMPLAINTS and not lost, lost[:5]  # each ticket's first one at least
    assert sum(k["updates in hand"] for k in interrupted) > 0
    assert sum(k["messages not sent"] for k in interrupted) > 0
    assert sum(k["reminders in flight"] for k in interrupted) > 0
    assert resent <= KILLS * OUTBOX_BATCH


def any_chat_reminded(by_chat: dict[int, list[str]], code: str, step: str) -> bool:
    return any(reminder_delivered(texts, code, step) for texts in by_chat.values())


def wait_for_sweeps(url: str, timeout: float) -> bool:
    """Wait until every reminder due by now has been taken by a sweep."""
    now, deadline = datetime.now(UTC), time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(t.next_reminder_at and t.next_reminder_at <= now for t in ticket_rows(url)):
            return True
        time.sleep(0.5)
    return False
