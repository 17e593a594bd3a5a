"""Telegram benchmark: GridVoice's throughput and latency next to each framework's own ceiling.

Run by hand, not part of the tests:

    python bench/bench_telegram.py [--framework ptb|aiogram|both] [--db sqlite|postgres|both]
                                   [--updates N] [--rounds R] [--postgres-url URL]

For each framework and database, in R rounds (the median round is reported): the ceiling (the
framework with a handler that only replies "ok"), GridVoice's end-to-end throughput (N complaints
injected at once, spread over 200 onboarded residents, until each has its first reply), and, in
the last round, the reply latency at a steady 50 updates/s for 20 s. The fake Bot API server runs
in a process of its own, as Telegram would be on another machine, so its CPU time is not charged
to the bot. PostgreSQL's public schema is dropped and recreated: point --postgres-url away from a
database the tests are using.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import multiprocessing
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "tests" / "data" / "devset.csv"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RESIDENTS = 200
FIRST_CHAT = 10_001
PACED_RATE, PACED_SECONDS = 50, 20
RUN_TIMEOUT = 240.0
TARGET_RATIO, TARGET_P99_MS = 0.5, 100.0
Plan = list[tuple[int, str]]


# The fake Telegram, in a process of its own


def fake_process(conn: Connection) -> None:
    """The child's entry point: answer commands from the pipe until "quit"."""
    sys.path.insert(0, str(ROOT))
    asyncio.run(serve_fake(conn))


async def serve_fake(conn: Connection) -> None:
    """ "start" a fresh server (returns its root), "run" a load on it, "quit"."""
    from tests.fake_telegram import FakeTelegram

    fake: Any = None
    while True:
        command, *args = await asyncio.to_thread(conn.recv)
        if fake is not None and command in ("start", "quit"):
            await fake.stop()
        if command == "start":
            fake = FakeTelegram()
            conn.send(await fake.start())
        elif command == "run":
            conn.send(await run_load(fake, *args))
        else:
            conn.send(None)
            return


async def run_load(fake: Any, plan: Plan, rate: float | None, skip: str) -> dict[str, Any]:
    """Inject the plan (at once, or `rate` per second) once the bot polls, then wait until every
    update has its first reply: replies to a chat pair with its updates in order, and a reply
    starting with `skip` (a second message of the same turn) is not a first reply."""
    while not any(call.method == "getUpdates" for call in fake.calls):
        await asyncio.sleep(0.01)
    with fake.state.lock:
        seen = len(fake.state.sent)
    injected: dict[int, list[float]] = defaultdict(list)
    start = time.monotonic()
    for number, (chat, text) in enumerate(plan):
        if rate is not None and (wait := start + number / rate - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        injected[chat].append(time.monotonic())
        fake.inject_text(chat, text)
    replied: dict[int, list[float]] = defaultdict(list)
    kinds: Counter[str] = Counter()
    deadline = time.monotonic() + RUN_TIMEOUT
    while sum(kinds.values()) < len(plan) and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
        with fake.state.lock:
            new, seen = fake.state.sent[seen:], len(fake.state.sent)
        for message in new:
            text = message.text or ""
            if message.chat_id in injected and not (skip and text.startswith(skip)):
                replied[message.chat_id].append(message.time)
                kinds[text.splitlines()[-1][:12]] += 1
    latencies = [
        reply - sent
        for chat in injected
        for sent, reply in zip(injected[chat], replied[chat], strict=False)
    ]
    last = max((times[-1] for times in replied.values()), default=start)
    return {"latencies": latencies, "elapsed": last - start, "kinds": dict(kinds)}


@dataclass
class FakeServer:
    """The parent's handle on the child process."""

    process: Any
    conn: Connection

    @classmethod
    def launch(cls) -> FakeServer:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=fake_process, args=(child,), name="fake-telegram", daemon=True
        )
        process.start()
        child.close()  # the parent keeps only its own end: a dead child then reads as EOF
        return cls(process, parent)

    async def ask(self, *command: Any) -> Any:
        def roundtrip() -> Any:
            self.conn.send(command)
            return self.conn.recv()

        return await asyncio.to_thread(roundtrip)

    async def quit(self) -> None:
        await self.ask("quit")
        self.process.join(timeout=10)


# The bots under test


@asynccontextmanager
async def ceiling_bot(framework: str, root: str, token: str) -> AsyncIterator[None]:
    """The framework alone: one handler that replies "ok", updates handled one at a time as
    GridVoice's channels handle them (PTB's default; aiogram with handle_as_tasks=False)."""
    if framework == "ptb":
        from telegram import Update
        from telegram.ext import ContextTypes, MessageHandler, filters

        from bot.channels.ptb_channel import builder

        async def reply(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.message is not None
            await update.message.reply_text("ok")

        application = builder(token, root).build()  # the transport GridVoice's channel uses
        application.add_handler(MessageHandler(filters.TEXT, reply))
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        yield
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        return
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    async def answer(message: Message) -> None:
        await message.answer("ok")

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(root)))
    dispatcher = Dispatcher()
    dispatcher.message.register(answer)
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, polling_timeout=1, handle_as_tasks=False, handle_signals=False
        )
    )
    yield
    await dispatcher.stop_polling()
    await polling


@asynccontextmanager
async def gridvoice_bot(framework: str, root: str, token: str, url: str) -> AsyncIterator[None]:
    """GridVoice as `gridvoice run` serves it, with Telegram's pacing off and 200 residents."""
    from pydantic import SecretStr

    from bot.bootstrap import build
    from bot.channels.telegram_common import CHANNEL
    from bot.channels.telegram_runner import serve
    from bot.settings import Settings
    from nlp import default_classifier

    settings = Settings(
        database_url=url,
        telegram_bot_token=SecretStr(token),
        telegram_api_url=root,
        telegram_chat_interval=0,
        telegram_messages_per_second=1_000_000,
    )
    app = build(settings, channel=CHANNEL, classifier=default_classifier())
    seed_residents(app)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, framework, stop, poll_timeout=1))
    try:
        yield
    finally:
        stop.set()
        await running
        app.database.dispose()


def seed_residents(app: Any) -> None:
    """Onboard the residents directly in the database: consented, typed, in a grid."""
    from sqlmodel import select

    from storage.enums import ResidenceType
    from storage.models import Grid, Resident

    now = app.services.clock()
    with app.uow_factory() as uow:
        grids = [grid.id for grid in uow.session.exec(select(Grid).where(Grid.active))]
        for number, chat in enumerate(range(FIRST_CHAT, FIRST_CHAT + RESIDENTS)):
            resident = Resident(
                chat_id=chat,
                display_name=f"居民{chat}",
                consent_at=now,
                residence_type=ResidenceType.REGISTERED,
                grid_id=grids[number % len(grids)],
            )
            uow.session.add(resident)
        uow.commit()


# Databases and load


def fresh_database(kind: str, folder: Path, label: str, postgres: str) -> str | None:
    """A URL to an empty database (PostgreSQL reset and migrated); None if unreachable."""
    if kind == "sqlite":
        return f"sqlite:///{folder / f'{label}.db'}"
    import sqlalchemy as sa

    from storage.migrate import upgrade

    engine = sa.create_engine(postgres, connect_args={"connect_timeout": 3})
    try:
        connection = engine.connect()
    except sa.exc.OperationalError as exc:
        engine.dispose()
        print(f"note: PostgreSQL skipped, {postgres} unreachable: {str(exc).splitlines()[0]}")
        return None
    try:
        with connection.begin():  # fails (deadlock) if another run uses the same database
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        connection.close()
        engine.dispose()
    upgrade(postgres)
    return postgres


def complaint_plan(count: int, seed: int) -> Plan:
    """`count` development-set complaints, shuffled, spread round-robin over the residents."""
    with TEXTS.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    random.Random(seed).shuffle(texts)
    return [(FIRST_CHAT + n % RESIDENTS, texts[n % len(texts)]) for n in range(count)]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` 0.99 is p99)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


# One row of the table


async def measure(
    server: FakeServer,
    framework: str,
    fresh: Callable[[int], str | None],
    updates: int,
    rounds: int,
) -> dict[str, Any]:
    """Ceiling and GridVoice's throughput side by side, ``rounds`` times (this machine's speed
    drifts within minutes: each round's ratio compares two runs a few seconds apart, and the
    median round is reported), on fresh servers and fresh databases; then the latency at 50/s."""
    from bot.texts.zh import ZH
    from tests.fake_telegram import DEFAULT_TOKEN

    follow_up = ZH["ticket_created"].split("{")[0]
    burst = complaint_plan(updates, seed=1)
    pairs: list[tuple[float, float]] = []
    cpus: list[tuple[float, float]] = []  # the bot's CPU ms per update: ceiling, GridVoice
    for number in range(rounds):
        url = fresh(number)
        assert url is not None
        root = await server.ask("start")
        async with ceiling_bot(framework, root, DEFAULT_TOKEN):
            await server.ask("run", complaint_plan(RESIDENTS, seed=0), None, "")
            cpu = time.process_time()
            ceiling = await server.ask("run", burst, None, "")
            cpu_ceiling = time.process_time() - cpu
        root = await server.ask("start")
        async with gridvoice_bot(framework, root, DEFAULT_TOKEN, url):
            await server.ask("run", complaint_plan(RESIDENTS, seed=0), None, follow_up)
            cpu = time.process_time()
            ours = await server.ask("run", burst, None, follow_up)
            cpu_ours = time.process_time() - cpu
            if number == rounds - 1:
                paced = await server.ask(
                    "run", complaint_plan(PACED_RATE * PACED_SECONDS, seed=2), PACED_RATE, follow_up
                )
        pairs.append(
            (
                len(ceiling["latencies"]) / ceiling["elapsed"],
                len(ours["latencies"]) / ours["elapsed"],
            )
        )
        cpus.append((cpu_ceiling * 1000 / updates, cpu_ours * 1000 / updates))
        print(f"  round {number + 1}: ceiling {pairs[-1][0]:,.0f}, GridVoice {pairs[-1][1]:,.0f} "
              f"upd/s = {pairs[-1][1] / pairs[-1][0]:.0%}; CPU per update {cpus[-1][0]:.2f} vs "
              f"{cpus[-1][1]:.2f} ms = {cpus[-1][0] / cpus[-1][1]:.0%}", flush=True)  # fmt: skip
    ordered = sorted(pairs, key=lambda pair: pair[1] / pair[0])
    median = ordered[len(ordered) // 2]
    cpu_median = sorted(cpus, key=lambda pair: pair[0] / pair[1])[len(cpus) // 2]
    ms = [seconds * 1000 for seconds in paced["latencies"]]
    return {
        "ceiling": median[0],
        "ours": median[1],
        "cpu": cpu_median,
        "ratios": [ours / ceiling for ceiling, ours in ordered],
        "answered": (len(ours["latencies"]), len(paced["latencies"])),
        "p": [percentile(ms, share) for share in (0.50, 0.95, 0.99)],
        "kinds": ours["kinds"],
    }


def print_table(rows: list[tuple[str, str, dict[str, Any]]], updates: int) -> None:
    """The figures, the targets met or not, then how many updates were answered and how."""
    header = (
        f"{'framework':<9} {'database':<8} {'ceiling upd/s':>13} {'GridVoice upd/s':>15} "
        f"{'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  {'≥50% ceiling':<12} p99<100ms"
    )
    print(header)
    print("-" * len(header))
    for framework, database, row in rows:
        ratio, (p50, p95, p99) = row["ours"] / row["ceiling"], row["p"]
        ratio_met = "met" if ratio >= TARGET_RATIO else "NOT met"
        p99_met = "met" if p99 < TARGET_P99_MS else "NOT met"
        print(
            f"{framework:<9} {database:<8} {row['ceiling']:>13,.0f} {row['ours']:>15,.0f} "
            f"{ratio:>6.0%} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f}  {ratio_met:<12} {p99_met}"
        )
    paced = PACED_RATE * PACED_SECONDS
    print()
    for framework, database, row in rows:
        answered, paced_answered = row["answered"]
        spread = ", ".join(f"{ratio:.0%}" for ratio in row["ratios"])
        cpu_ceiling, cpu_ours = row["cpu"]
        print(f"{framework}/{database}: ratio per round {spread}; the bot's CPU per update "
              f"(median round) {cpu_ceiling:.2f} ms reply-only vs {cpu_ours:.2f} ms GridVoice "
              f"= {cpu_ceiling / cpu_ours:.0%}")  # fmt: skip
        kinds = ", ".join(
            f"{count} «{kind}»" for kind, count in Counter(row["kinds"]).most_common()
        )
        print(f"{framework}/{database}: answered {answered}/{updates} and {paced_answered}/{paced}")
        print(f"  first replies: {kinds}")


async def run(
    frameworks: list[str], databases: list[str], updates: int, postgres: str, rounds: int
) -> None:
    server = FakeServer.launch()
    rows: list[tuple[str, str, dict[str, Any]]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-telegram-") as folder:
            for database in databases:
                for framework in frameworks:
                    if fresh_database(database, Path(folder), framework, postgres) is None:
                        break
                    print(f"measuring {framework} on {database} …", flush=True)

                    def fresh(
                        number: int, framework: str = framework, database: str = database
                    ) -> str | None:
                        label = f"{framework}{number}"
                        return fresh_database(database, Path(folder), label, postgres)

                    figures = await measure(server, framework, fresh, updates, rounds)
                    rows.append((framework, database, figures))
    finally:
        await server.quit()
    print()
    print_table(rows, updates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=("ptb", "aiogram", "both"), default="both")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="ceiling/GridVoice pairs; median")
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES_URL,
        help="its public schema is dropped and recreated: not a database in use",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    frameworks = ["ptb", "aiogram"] if args.framework == "both" else [args.framework]
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(
        f"{args.updates} complaints at once over {RESIDENTS} onboarded residents; latency at "
        f"{PACED_RATE} updates/s for {PACED_SECONDS} s.\nTelegram's pacing is off "
        "(telegram_chat_interval=0, telegram_messages_per_second=1,000,000) so that the figures "
        "show processing cost, not rate limits.\nThe ceiling handles updates one at a time, as "
        "the channels do. The fake Bot API server runs in its own process."
    )
    started = time.monotonic()
    asyncio.run(run(frameworks, databases, args.updates, args.postgres_url, args.rounds))
    print(f"\ntotal time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
