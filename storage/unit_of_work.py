"""Unit of work: one session, one transaction; plus retry of briefly locked transactions."""

import logging
import random
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from storage.db import session_factory, without_waiting_for_lock

T = TypeVar("T")
log = logging.getLogger(__name__)

# PostgreSQL serialization_failure, deadlock_detected, lock_not_available.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_SQLITE_BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")


class UnitOfWork:
    """`with uow: ...; uow.commit()` — anything not committed is rolled back on exit.

    Repository functions (`storage.repositories`) take `uow.session`.
    """

    session: Session

    def __init__(self, make_session: Callable[[], Session]) -> None:
        self._make_session = make_session

    def __enter__(self) -> Self:
        self.session = self._make_session()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        """Commit the work so far."""
        self.session.commit()

    def rollback(self) -> None:
        """Discard the work since the last commit."""
        self.session.rollback()


def uow_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    """A callable returning a fresh `UnitOfWork` on `engine`."""
    make_session = session_factory(engine)
    return lambda: UnitOfWork(make_session)


def is_retryable(error: BaseException) -> bool:
    """True for a lock or serialization failure that a retry of the transaction may cure."""
    if isinstance(error, StaleDataError):
        return True  # optimistic version check lost a race: reload and try again
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    message = str(error.orig).lower()
    return any(text in message for text in _SQLITE_BUSY_MESSAGES)


class LockTaken(Exception):
    """Another writer holds the database's write lock; nothing was done."""


def attempt_without_waiting(make_uow: Callable[[], UnitOfWork], fn: Callable[[UnitOfWork], T]) -> T:
    """Run `fn(uow)` and commit, once, without waiting for SQLite's write lock.

    Raises :class:`LockTaken` (nothing done) when the lock or the database is busy, so the
    caller can run the same work with :func:`run_in_transaction` in a worker thread instead.
    """
    try:
        with without_waiting_for_lock(), make_uow() as uow:
            result = fn(uow)
            uow.commit()
            return result
    except (OperationalError, StaleDataError) as error:
        if is_retryable(error):
            raise LockTaken(str(error)) from error
        raise


def run_in_transaction(
    make_uow: Callable[[], UnitOfWork],
    fn: Callable[[UnitOfWork], T],
    *,
    attempts: int = 5,
    base_delay: float = 0.05,
) -> T:
    """Run `fn(uow)` and commit, retrying the whole unit of work on lock failures.

    `fn` must not commit itself and must be safe to run again from the start.
    """
    for attempt in range(1, attempts + 1):
        try:
            with make_uow() as uow:
                result = fn(uow)
                uow.commit()
                return result
        except (OperationalError, StaleDataError) as error:
            if attempt == attempts or not is_retryable(error):
                raise
            delay = base_delay * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
            log.warning("transaction attempt %d failed (%s); retrying", attempt, error)
            time.sleep(delay)
    raise AssertionError("unreachable")
