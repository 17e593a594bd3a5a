"""The unit of work commits only when told to."""

from collections.abc import Callable

import pytest
from sqlmodel import select

from storage import run_in_transaction
from storage.models import Grid
from storage.unit_of_work import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


def grid_codes(uow_factory: UowFactory) -> list[str]:
    with uow_factory() as uow:
        return [grid.code for grid in uow.session.exec(select(Grid).order_by(Grid.code))]


def test_uow_rolls_back_without_commit(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.session.add(Grid(code="G01", name="第一网格"))
        uow.session.flush()

    assert grid_codes(uow_factory) == []


def test_uow_rolls_back_work_after_the_last_commit(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.session.add(Grid(code="G01", name="第一网格"))
        uow.commit()
        uow.session.add(Grid(code="G02", name="第二网格"))

    assert grid_codes(uow_factory) == ["G01"]


def test_uow_rolls_back_on_exception(uow_factory: UowFactory) -> None:
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.session.add(Grid(code="G01", name="第一网格"))
        uow.session.flush()
        raise RuntimeError("boom")

    assert grid_codes(uow_factory) == []


def test_run_in_transaction_commits_and_returns_the_result(uow_factory: UowFactory) -> None:
    def add_grid(uow: UnitOfWork) -> str:
        uow.session.add(Grid(code="G03", name="第三网格"))
        return "done"

    assert run_in_transaction(uow_factory, add_grid) == "done"
    assert grid_codes(uow_factory) == ["G03"]


def test_run_in_transaction_does_not_retry_other_errors(uow_factory: UowFactory) -> None:
    calls = []

    def fail(uow: UnitOfWork) -> None:
        calls.append(1)
        raise ValueError("not a lock")

    with pytest.raises(ValueError):
        run_in_transaction(uow_factory, fail)
    assert len(calls) == 1
