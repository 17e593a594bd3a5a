"""Two bot processes on one PostgreSQL sweep a simulated day of reminders: none is sent twice.

1,000 open tickets are made over a working Monday (every 30 seconds from 00:30, one in ten urgent)
on the sample community's own clocks: working hours, quiet hours, a one-hour lead. Two processes
each run ``gridvoice reminders sweep --now T`` (the command's own code, one interpreter per
process) for T every 30 minutes from Monday 00:00 to Tuesday 00:00 Beijing time, side by side on
the same T list, so they claim the same due tickets at the same moments.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.community import sample_path
from tests.faults.harness import outbox_rows, prepare, reminder_events, seed_tickets, ticket_rows

TICKETS, SEED = 1_000, 11
BEIJING = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 30, tzinfo=BEIJING)
SWEEPS = [MONDAY + timedelta(minutes=30 * n) for n in range(1, 49)]
SWEEP_ALL = "import sys; from bot.cli import main; [main(['reminders', 'sweep', '--now', t]) for t in sys.argv[1:]]"  # fmt: skip


def sweeper(url: str, log: Path) -> subprocess.Popen[str]:
    env = {"GRIDVOICE_DATABASE_URL": url, "GRIDVOICE_LOG_LEVEL": "WARNING", "PATH": "/usr/bin"}
    times = [moment.isoformat() for moment in SWEEPS]
    with log.open("w") as errors:
        return subprocess.Popen(
            [sys.executable, "-c", SWEEP_ALL, *times],
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )


def test_two_processes_sweeping_one_day_send_no_reminder_twice(
    postgres_url: str, tmp_path: Path
) -> None:
    url = postgres_url
    prepare(url, sample_path(), residents=0)
    seed_tickets(
        url,
        None,
        [MONDAY + timedelta(minutes=30, seconds=30 * n) for n in range(TICKETS)],
        seed=SEED,
    )
    processes = [sweeper(url, tmp_path / f"sweeper{n}.log") for n in (1, 2)]
    outputs = [process.communicate(timeout=240)[0] for process in processes]
    for number, process in enumerate(processes, 1):
        assert process.returncode == 0, (tmp_path / f"sweeper{number}.log").read_text()[-2000:]
    printed = [
        [tuple(line.split("\t")[1:]) for line in output.splitlines() if "\t" in line]
        for output in outputs
    ]
    events = reminder_events(url)
    taken = Counter(events)
    queued = Counter((chat, text) for chat, text, _ in outbox_rows(url))
    end = SWEEPS[-1]
    still_due = [
        t.code for t in ticket_rows(url) if t.next_reminder_at and t.next_reminder_at <= end
    ]
    print(
        f"{len(events)} reminder steps over {len(SWEEPS)} sweep times: "
        f"{len(set(printed[0]))} by one process, {len(set(printed[1]))} by the other"
    )
    assert len(events) >= TICKETS  # the day reached every ticket at least once
    assert max(taken.values()) == 1, taken.most_common(3)
    assert max(queued.values()) == 1, queued.most_common(3)
    assert Counter(printed[0] + printed[1]) == Counter(events)
    assert printed[0] and printed[1], "one process took every step: no contention"
    assert not still_due, still_due[:5]
