"""SIGTERM delivers the outbox before the bot exits (README: "deliver the outbox, exit 0").

Found by the redelivery and downtime tests: messages queued when SIGTERM came stayed pending.
The fake server answers each call after 0.1 s, so that twenty urgent complaints leave about eighty
messages in the outbox when the signal comes, right after the last ticket was committed.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.faults.faulty_telegram import FaultyTelegramThread, Trouble
from tests.faults.harness import (
    FIRST_CHAT,
    BotProcess,
    bot_env,
    outbox_counts,
    prepare,
    ticket_rows,
)

RESIDENTS = 20
URGENT = "楼道里有人给电动车飞线充电，冒火花了！"


def test_sigterm_delivers_what_the_outbox_holds_before_exit(
    sqlite_url: str, community: Path, tmp_path: Path
) -> None:
    database_url = sqlite_url  # the bug is in the runner, whatever the database
    prepare(database_url, community, RESIDENTS)
    with FaultyTelegramThread(Trouble(latency=0.1)) as fake:
        bot = BotProcess(bot_env(fake, database_url, community), tmp_path)
        try:
            bot.start_polling(fake)
            for n in range(RESIDENTS):
                fake.inject_text(FIRST_CHAT + n, f"{URGENT}（{n}）")
            deadline = time.monotonic() + 60
            while len(ticket_rows(database_url)) < RESIDENTS and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            queued = outbox_counts(database_url)["pending"]
            code = bot.stop()
    left = outbox_counts(database_url)
    print(f"{queued} messages pending at SIGTERM; after exit {dict(left)}")
    assert code == 0, bot.log_tail()
    assert queued > 0
    assert left["pending"] == 0 and left["failed"] == 0
