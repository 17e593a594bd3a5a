"""The committee's service measures, computed from plain rows without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.committee.stats import NOT_STATED, figures, summarise
from storage.repositories.stats import TicketRow

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def row(**overrides: Any) -> TicketRow:
    """A ticket reported 48 hours ago with a 4-hour sign-off and a 24-hour resolution limit."""
    created = overrides.pop("created_at", NOW - 48 * H)
    values: dict[str, Any] = {
        "grid_code": "G01",
        "category": "environment",
        "status": "assigned",
        "reporter_type": "registered",
        "created_at": created,
        "signoff_due_at": created + 4 * H,
        "resolve_due_at": created + 24 * H,
    }
    return TicketRow(**(values | overrides))


def test_an_open_ticket_past_its_signoff_deadline_is_overdue_and_late() -> None:
    result = figures([row()], NOW)
    assert (result.reports, result.open, result.overdue) == (1, 1, 1)
    assert (result.signoff_decided, result.signoff_on_time, result.signoff_rate) == (1, 0, 0.0)


def test_a_ticket_waiting_for_the_residents_answer_is_not_overdue() -> None:
    assert figures([row(paused=True)], NOW).overdue == 0


def test_a_deadline_still_ahead_is_not_counted_either_way() -> None:
    fresh = row(created_at=NOW - H)
    result = figures([fresh], NOW)
    assert result.overdue == 0 and result.signoff_decided == 0 and result.signoff_rate is None


def test_on_time_and_late_steps_and_their_medians() -> None:
    created = NOW - 48 * H
    quick = row(
        status="closed", accepted_at=created + 1 * H, resolved_at=created + 10 * H, rating=5
    )
    slow = row(
        status="resolved", accepted_at=created + 6 * H, resolved_at=created + 30 * H, rating=None
    )
    result = figures([quick, slow], NOW)
    assert (result.signoff_on_time, result.signoff_decided) == (1, 2)
    assert (result.resolve_on_time, result.resolve_decided) == (1, 2)
    assert result.median_signoff_hours == 3.5 and result.median_resolve_hours == 20.0
    assert result.open == result.overdue == 0
    assert (result.rated, result.resolved, result.mean_rating, result.rated_share) == (1, 2, 5, 0.5)


def test_a_reopened_ticket_counts_in_the_reopen_rate_even_while_open_again() -> None:
    reopened = row(status="assigned", reopen_count=1, created_at=NOW - H)
    closed = row(status="closed", accepted_at=NOW - 47 * H, resolved_at=NOW - 40 * H)
    result = figures([reopened, closed], NOW)
    assert (result.reopened, result.resolved, result.reopen_rate) == (1, 2, 0.5)


def test_returned_tickets_are_counted_once_however_often_returned() -> None:
    assert figures([row(return_count=3), row()], NOW).returned == 1


def test_migrants_and_registered_residents_are_compared_by_the_same_measures() -> None:
    rows = [
        row(reporter_type="registered", accepted_at=NOW - 47 * H),
        row(reporter_type="migrant_no_permit"),
        row(reporter_type=None),
    ]
    groups = {g.key: g.figures for g in summarise(rows, NOW).by_reporter}
    assert groups["registered"].signoff_rate == 1.0
    assert groups["migrant_no_permit"].signoff_rate == 0.0
    assert groups["merchant"].reports == 0  # every residence type is listed, even without reports
    assert groups[NOT_STATED].reports == 1


def test_every_grid_asked_for_is_listed_and_categories_by_volume() -> None:
    rows = [row(category="noise"), row(category="noise", grid_code="G02"), row()]
    result = summarise(rows, NOW, grids=["G01", "G02", "G03"])
    assert [(g.key, g.figures.reports) for g in result.by_grid] == [
        ("G01", 2),
        ("G02", 1),
        ("G03", 0),
    ]
    assert [g.key for g in result.by_category] == ["noise", "environment"]
    assert result.total.reports == 3


def test_the_json_form_carries_rates_and_keys() -> None:
    data = summarise([row(accepted_at=NOW - 47 * H)], NOW, since=NOW - 30 * 24 * H).as_dict()
    assert data["total"]["signoff_rate"] == 1.0 and data["total"]["reports"] == 1
    assert data["by_grid"][0]["key"] == "G01"
    assert data["since"].startswith("2025-02-08")
