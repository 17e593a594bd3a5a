"""Hostile-input fixtures, and the session-wide scan of log records for personal data.

The log recorder is attached when this directory is collected — before any test of the session
runs — and the scan runs when the session finishes: any hit fails the run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.settings import Settings
from storage import make_engine, upgrade
from tests.hostile.logscan import FIGURES, RECORDER, SECRETS, find_personal_data
from tests.integration.conftest import CLASSIFIER, FRIDAY_10AM, World, reset_postgres

POSTGRES_URL_ENV = "GRIDVOICE_TEST_DATABASE_URL"


def _record_every_log() -> None:
    """Keep every INFO-and-above record of the session, as production logs at INFO."""
    root = logging.getLogger()
    if RECORDER not in root.handlers:
        root.addHandler(RECORDER)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    for chatty in ("httpx", "alembic"):  # what bot.cli.configure_logging quiets in production
        logging.getLogger(chatty).setLevel(logging.WARNING)


_record_every_log()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the session if any log record holds personal data or a secret."""
    hits = find_personal_data(RECORDER.texts, extra=SECRETS)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        figures = ", ".join(f"{k} {v}" for k, v in FIGURES.items())
        reporter.write_line(f"log scan: {len(RECORDER.texts)} records, {len(hits)} hits; {figures}")
        for hit in hits[:20]:
            reporter.write_line(f"  {hit}", red=True)
    if hits:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _world(url: str) -> Iterator[World]:
    if not url.startswith("sqlite"):  # PostgreSQL is migrated by hand, as in production
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
    app = build(Settings(database_url=url), channel="test", clock=lambda: FRIDAY_10AM,
                classifier=CLASSIFIER)  # fmt: skip
    world = World(app)
    yield world
    app.database.dispose()


@pytest.fixture
def sqlite_world(tmp_path: Path) -> Iterator[World]:
    """The real engine on a fresh SQLite file with the sample community."""
    yield from _world(f"sqlite:///{tmp_path / 'hostile.db'}")


@pytest.fixture
def postgres_world() -> Iterator[World]:
    """The real engine on the emptied PostgreSQL test database, or a skip saying how."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_ENV}")
    reset_postgres(url)
    yield from _world(url)
