"""GridVoice storage: SQLModel tables, engine set-up, queries and Alembic migrations.

Tables live in `storage.models`, queries in `storage.repositories`.
Nothing here is built at import time.
"""

from storage.db import DEFAULT_DATABASE_URL, default_database_url, make_engine, session_factory
from storage.migrate import current_revision, head_revision, schema_status, upgrade
from storage.unit_of_work import UnitOfWork, is_retryable, run_in_transaction, uow_factory

__all__ = [
    "DEFAULT_DATABASE_URL",
    "UnitOfWork",
    "current_revision",
    "default_database_url",
    "head_revision",
    "is_retryable",
    "make_engine",
    "run_in_transaction",
    "schema_status",
    "session_factory",
    "uow_factory",
    "upgrade",
]
