"""Reminder sweep benchmark: find and claim the due tickets among 1,000,000 (100,000 open).

Run by hand: ``python bench/bench_sweep.py [--tickets 1000000] [--open 100000] [--due 1000]``.
Prints, for SQLite and PostgreSQL, the time of one claim (the query a sweep runs, with its row
locks) and the process's peak memory. Figures go in the README.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from storage import make_engine, upgrade
from storage.models import Grid, Ticket
from storage.repositories import claim_due_reminders
from storage.unit_of_work import uow_factory

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
BATCH = 20_000


def fill(engine: sa.Engine, total: int, open_count: int, due: int) -> None:
    """Insert ``total`` tickets: ``open_count`` open, of which ``due`` have a reminder due."""
    with engine.begin() as connection:
        grid_id = connection.execute(
            sa.insert(Grid)
            .values(code="G01", name="bench", active=True, created_at=NOW)
            .returning(Grid.id)
        ).scalar_one()
    table = Ticket.__table__  # type: ignore[attr-defined]
    for first in range(0, total, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, total)):
            is_open = n < open_count
            reminder = (
                (NOW - timedelta(minutes=5) if n < due else NOW + timedelta(hours=1 + n % 48))
                if is_open
                else None
            )
            rows.append(
                {
                    "code": f"B-{n:07d}",
                    "grid_id": grid_id,
                    "category": "environment",
                    "confidence": 0.9,
                    "urgent": False,
                    "urgent_terms": [],
                    "kind": "complaint",
                    "status": "assigned" if is_open else "closed",
                    "text": "bench",
                    "explanation": {},
                    "photo_file_ids": [],
                    "created_at": NOW,
                    "updated_at": NOW,
                    "return_count": 0,
                    "reopen_count": 0,
                    "escalation_level": 0,
                    "version": 1,
                    "anonymous": False,
                    "reminder_step": 0,
                    "reminder_clock": "sign_off" if is_open else None,
                    "next_reminder_at": reminder,
                }
            )
        with engine.begin() as connection:
            connection.execute(sa.insert(table), rows)


def measure(url: str, total: int, open_count: int, due: int) -> tuple[float, int]:
    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    fill(engine, total, open_count, due)
    print(f"  filled {total:,} tickets in {time.perf_counter() - start:.1f} s")
    make = uow_factory(engine)
    timings = []
    claimed = 0
    for _ in range(5):
        with make() as uow:
            start = time.perf_counter()
            claimed = len(claim_due_reminders(uow.session, now=NOW, limit=due * 2))
            timings.append(time.perf_counter() - start)
            uow.rollback()
    engine.dispose()
    return min(timings) * 1000, claimed


def reset_postgres() -> bool:
    try:
        engine = sa.create_engine(PG_URL, poolclass=sa.NullPool)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        results.append(
            (
                "SQLite",
                *measure(
                    f"sqlite:///{Path(folder) / 'bench.db'}", args.tickets, args.open, args.due
                ),
            )
        )
    if reset_postgres():
        print("PostgreSQL")
        results.append(("PostgreSQL", *measure(PG_URL, args.tickets, args.open, args.due)))
        reset_postgres()
    else:
        print("PostgreSQL: not reachable at", PG_URL, "- skipped")
    print(
        f"\n{'database':<12} {'claim (ms)':>10} {'claimed':>8}  target < 100 ms for {args.due:,} due"
    )
    for name, millis, claimed in results:
        print(f"{name:<12} {millis:>10.1f} {claimed:>8}  {'met' if millis < 100 else 'NOT met'}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
