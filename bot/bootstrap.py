"""The composition root: settings in, a ready application out. Nothing is built at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine as DbEngine

from bot.community import Community
from bot.dialogue.engine import Engine
from bot.domain.calendar import ChinaCalendar
from bot.service.context import DuplicatePolicy, Services, utc_now
from bot.settings import Settings
from bot.startup import ensure_community, prepare_database
from nlp import Classifier, default_classifier
from storage.unit_of_work import UnitOfWork, uow_factory


@dataclass
class App:
    """Everything a channel needs."""

    settings: Settings
    database: DbEngine
    uow_factory: Callable[[], UnitOfWork]
    services: Services
    engine: Engine

    @property
    def community(self) -> Community:
        return self.services.community


def build(
    settings: Settings,
    *,
    channel: str = "telegram",
    clock: Callable[[], datetime] | None = None,
    classifier: Classifier | None = None,
) -> App:
    """Prepare the database (migrate SQLite, load the community) and wire the engine."""
    clock = clock or utc_now
    database = prepare_database(settings)
    community = ensure_community(database, settings, now=clock())
    classifier = classifier or default_classifier(settings.nlp_model)
    calendar = ChinaCalendar(community.working_hours.days)
    services = Services(
        community, classifier, clock, calendar, DuplicatePolicy.from_settings(settings)
    )
    factory = uow_factory(database)
    on_loop = database.dialect.name == "sqlite"  # no network waits: see run_event
    engine = Engine(factory, services, channel, turns_on_loop=on_loop)
    return App(settings, database, factory, services, engine)
