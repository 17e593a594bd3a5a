"""The Alembic migrations build the schema the models describe."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from storage import current_revision, head_revision, make_engine, schema_status, upgrade
from storage.__main__ import main
from storage.models import metadata


def test_migrations_create_the_schema_from_empty(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert schema_status(engine) == "missing"
        assert current_revision(engine) is None

        upgrade(engine)

        assert schema_status(engine) == "current"
        assert current_revision(engine) == head_revision()
        tables = set(sa.inspect(engine).get_table_names())
        assert set(metadata.tables) | {"alembic_version"} <= tables
    finally:
        engine.dispose()


def test_the_migration_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)

    assert differences == []


def test_upgrade_accepts_a_url_and_is_idempotent(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    upgrade(sqlite_url)

    engine = make_engine(sqlite_url)
    try:
        assert schema_status(engine) == "current"
    finally:
        engine.dispose()


def test_the_command_line_upgrades_and_reports_status(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--url", sqlite_url]) == 1
    assert capsys.readouterr().out.startswith("missing")

    assert main(["upgrade", "--url", sqlite_url]) == 0
    assert main(["current", "--url", sqlite_url]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == head_revision()

    assert main(["status", "--url", sqlite_url]) == 0
    assert capsys.readouterr().out.startswith("current")
