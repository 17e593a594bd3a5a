"""Writers hammering one SQLite file: ``python sqlite_writers.py DB SECONDS [WRITERS]``
(the table ``fault_writer`` must exist).

Each writer thread takes the write lock (BEGIN IMMEDIATE), inserts a row, holds the lock a
little, commits, pauses, and again, until SECONDS have passed or stdin is closed; then the
process prints how many commits and lock failures the writers had.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import threading
import time


def write(path: str, stop: threading.Event, seed: int, counts: list[int]) -> None:
    rng = random.Random(seed)
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=10000")
    while not stop.is_set():
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "INSERT INTO fault_writer (writer, at) VALUES (?, ?)", (seed, time.time())
            )
            time.sleep(rng.uniform(0, 0.004))  # hold the lock a little, as a slow transaction does
            connection.execute("COMMIT")
            counts[0] += 1
        except sqlite3.OperationalError:
            counts[1] += 1
            if connection.in_transaction:
                connection.execute("ROLLBACK")
        time.sleep(rng.uniform(0, 0.02))
    connection.close()


def main() -> None:
    path, seconds = sys.argv[1], float(sys.argv[2])
    writers = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    stop, counts = threading.Event(), [0, 0]
    threads = [threading.Thread(target=write, args=(path, stop, n, counts)) for n in range(writers)]
    for thread in threads:
        thread.start()
    closed = threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True)
    closed.start()
    closed.join(timeout=seconds)
    stop.set()
    for thread in threads:
        thread.join()
    print(f"{counts[0]} {counts[1]}")


if __name__ == "__main__":
    main()
