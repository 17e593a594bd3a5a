"""A SQLite file locked by 50 concurrent writers: no error reaches a user.

While 50 residents complain at once (one complaint each, two with GRIDVOICE_FAULTS_FULL=1), another process
runs 50 writer threads on the same file, each taking the write lock, holding it up to 4 ms and
taking it again within 20 ms. The bot's transactions wait for the lock (busy timeout) and retry.
No resident and no button press may get the apology (抱歉，系统出了点问题…), and every complaint
must be acknowledged: a turn that fails for good is dropped by the channel, so silence is an error
that reached the user too.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.texts import text
from tests.faults.driver import Driver
from tests.faults.faulty_telegram import FaultyTelegramThread
from tests.faults.harness import FIRST_CHAT, BotProcess, bot_env, prepare, scaled

RESIDENTS, PER_RESIDENT, WRITERS = 50, scaled(1, 2), 50
WRITER_SCRIPT = Path(__file__).with_name("sqlite_writers.py")


def test_fifty_concurrent_writers_on_sqlite_bring_no_error_to_a_user(
    community: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bot.db"
    url = f"sqlite:///{path}"
    prepare(url, community, RESIDENTS)
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE fault_writer (id INTEGER PRIMARY KEY, writer INT, at REAL)"
        )
    apology = text("error")
    with FaultyTelegramThread() as fake:
        bot = BotProcess(bot_env(fake, url, community), tmp_path)
        try:
            bot.start_polling(fake)
            writers = subprocess.Popen(
                [sys.executable, str(WRITER_SCRIPT), str(path), "300", str(WRITERS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            driver = Driver.of(fake, [FIRST_CHAT + n for n in range(RESIDENTS)], PER_RESIDENT)
            driver.run_until(driver.total, timeout=120)
            commits, failures = (int(n) for n in writers.communicate(timeout=120)[0].split())
        finally:
            code = bot.stop()
        answers = [a.text or "" for a in fake.callback_answers]
        sent = [m.text or "" for m in fake.sent_messages()]
    log = bot.log_tail(100_000)
    print(
        f"writers: {commits} commits, {failures} lock failures; bot log {log.count('retrying')} retries"
    )
    assert code == 0, log[-3000:]
    assert commits > 500
    assert driver.acknowledged == driver.total
    assert not [t for t in sent + answers if apology in t]
    assert "event failed" not in log and "Traceback" not in log, log[-3000:]
