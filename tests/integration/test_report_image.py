"""The weekly report image from a real database: `gridvoice report --out FILE.png --now DATE`."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from sqlmodel import Session

from bot import cli
from nlp import DEFAULT_CODES
from storage import repositories as repo
from storage.enums import ResidenceType, TicketStatus
from storage.models import Ticket

if TYPE_CHECKING:
    from tests.integration.conftest import World

MONDAY = datetime.fromisoformat("2026-11-30T09:00:00+08:00")


def seed_weeks(session: Session, *, now: datetime, weeks: int = 9, per_week: int = 60) -> int:
    """Plausible tickets over every grid for ``weeks`` before ``now``: most accepted within a
    few hours, some late, older ones resolved and rated; returns how many were added."""
    rng = random.Random(7)
    grids = [g.id for g in repo.active_grids(session)]
    reporters = []
    for number, kind in enumerate(list(ResidenceType) * 4):
        resident = repo.get_or_create_resident(session, chat_id=80_000 + number, now=now)
        resident.residence_type = kind
        reporters.append(resident.id)
    total = weeks * per_week
    for _ in range(total):
        created = now - timedelta(hours=rng.uniform(1, weeks * 7 * 24))
        accepted = created + timedelta(hours=rng.expovariate(1 / 3))
        resolved = accepted + timedelta(hours=rng.expovariate(1 / 60))
        accepted_at = accepted if accepted < now else None
        resolved_at = resolved if accepted_at and resolved < now else None
        rated = resolved_at is not None and rng.random() < 0.7
        status = TicketStatus.CLOSED if rated else TicketStatus.RESOLVED
        if resolved_at is None:
            status = TicketStatus.ACCEPTED if accepted_at else TicketStatus.ASSIGNED
        session.add(
            Ticket(
                category=rng.choice(DEFAULT_CODES[:8] * 3 + DEFAULT_CODES),
                text="样例",
                grid_id=rng.choice(grids),
                reporter_id=rng.choice(reporters),
                anonymous=rng.random() < 0.1,
                created_at=created,
                signoff_due_at=created + timedelta(hours=4),
                resolve_due_at=created + timedelta(days=5),
                accepted_at=accepted_at,
                resolved_at=resolved_at,
                status=status,
                rating=rng.choice([5, 5, 4, 4, 3, 2]) if rated else None,
                reopen_count=int(rng.random() < 0.05),
                return_count=int(rng.random() < 0.05),
            )
        )
    session.flush()
    return total


def seed(world: World) -> None:
    with world.app.uow_factory() as uow:
        seed_weeks(uow.session, now=MONDAY, per_week=20)
        uow.commit()


def test_the_command_line_writes_the_weekly_report_png(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(world)
    monkeypatch.setenv("GRIDVOICE_DATABASE_URL", world.app.settings.database_url)
    out = tmp_path / "weekly.png"
    assert cli.main(["report", "--out", str(out), "--now", "2026-11-30"]) == 0
    assert "2026-11-23 to 2026-11-29" in capsys.readouterr().out
    image = Image.open(io.BytesIO(out.read_bytes()))
    assert image.format == "PNG" and image.size == (1200, 1300)


def test_a_bad_date_is_refused_without_a_file(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GRIDVOICE_DATABASE_URL", world.app.settings.database_url)
    out = tmp_path / "weekly.png"
    assert cli.main(["report", "--out", str(out), "--now", "next monday"]) == 2
    assert "--now" in capsys.readouterr().err and not out.exists()
