"""Getting a database ready to serve: schema at head, community applied.

SQLite (the embedded default) is migrated automatically; PostgreSQL is shared by several
processes and migrated deliberately with ``gridvoice db upgrade``.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Engine

from bot.community import Community, load_community, sample_path
from bot.community.sync import SyncReport, community_loaded, lock_community, sync_community
from bot.settings import Settings
from storage import current_revision, make_engine, run_in_transaction, schema_status, upgrade
from storage.migrate import SchemaStatus, alembic_config
from storage.repositories import get_community_meta
from storage.unit_of_work import UnitOfWork, uow_factory

log = logging.getLogger(__name__)
UPGRADE_COMMAND = "gridvoice db upgrade"


class SchemaError(RuntimeError):
    """The database schema cannot be used by this version of GridVoice."""


class SchemaOutOfDate(SchemaError):
    """The schema is missing or older than the code, and is not migrated automatically."""


class UnknownSchemaRevision(SchemaError):
    """The database was migrated by a newer GridVoice than this one."""


def migrates_automatically(url: str) -> bool:
    """SQLite files are migrated on start; shared servers only by ``gridvoice db upgrade``."""
    return sa.make_url(url).get_backend_name() == "sqlite"


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return sa.make_url(url).render_as_string(hide_password=True)


def out_of_date_message(status: SchemaStatus, url: str) -> str:
    """What is wrong with the schema at ``url`` and the command that fixes it."""
    what = "has no GridVoice schema" if status == "missing" else "has an older schema"
    return f"the database {describe_url(url)} {what}; run `{UPGRADE_COMMAND}` first"


def is_known_revision(revision: str) -> bool:
    """True if ``revision`` is one of the migrations shipped with this version."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def check_revision_known(engine: Engine) -> None:
    """Raise :class:`UnknownSchemaRevision` if a newer GridVoice migrated this database."""
    revision = current_revision(engine)
    if revision is not None and not is_known_revision(revision):
        raise UnknownSchemaRevision(
            f"the database {describe_url(str(engine.url))} is at schema revision {revision}, "
            "which this version of GridVoice does not know: upgrade GridVoice"
        )


def prepare_database(settings: Settings) -> Engine:
    """An engine on a schema at head: SQLite is migrated here, PostgreSQL must already be.

    Raises :class:`SchemaOutOfDate` (naming ``gridvoice db upgrade``) or
    :class:`UnknownSchemaRevision`; the engine is disposed of on failure.
    """
    engine = make_engine(settings.database_url)
    try:
        status = schema_status(engine)
        if status != "current":
            check_revision_known(engine)
            if not migrates_automatically(settings.database_url):
                raise SchemaOutOfDate(out_of_date_message(status, settings.database_url))
            log.info("database schema %s: migrating %s", status, describe_url(str(engine.url)))
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def file_sha256(path: Path) -> str:
    """The sha256 hex digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def community_source(settings: Settings) -> Path:
    """The community file in use: the configured one, else the shipped sample."""
    return settings.community if settings.community is not None else sample_path()


def ensure_community(engine: Engine, settings: Settings, *, now: datetime) -> Community:
    """Load the community file; apply it if the database has none yet (first start).

    A database that already has a community keeps it: changes to the file are applied by
    ``gridvoice community load``, and a changed file is only logged here.
    """
    community = load_community(settings.community)
    path = community_source(settings)
    sha256 = file_sha256(path)

    def apply(uow: UnitOfWork) -> SyncReport | None:
        lock_community(uow.session)
        if community_loaded(uow.session):
            stored = get_community_meta(uow.session, key="sha256")
            if stored is not None and stored != sha256:
                log.warning(
                    "%s changed since it was loaded; run `gridvoice community load %s` to apply it",
                    path.name,
                    path,
                )
            return None
        return sync_community(uow.session, community, now=now, source_sha256=sha256)

    report = run_in_transaction(uow_factory(engine), apply)
    if report is not None:
        log.info(
            "community %s (%s) loaded: %d grids, %d staff",
            community.name,
            community.code,
            report.grids_added,
            report.staff_added,
        )
    return community
