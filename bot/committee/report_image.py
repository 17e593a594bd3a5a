"""The weekly report image: reports per grid by category, on-time rates per grid, eight weeks.

The week is the seven full local days before ``now``'s day (sent on Monday: Monday to Sunday).
The figures are pure (:func:`weekly_report`); drawing uses matplotlib's Agg canvas without
pyplot, with the CJK font loaded by file path from the ``mplfonts`` package, so Chinese never
turns into boxes whatever fonts the machine has. Import this module lazily: matplotlib is slow
to import.
"""

from __future__ import annotations

import importlib.util
import io
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.ticker import MaxNLocator
from sqlmodel import Session

from bot.service.notices import category_label
from bot.texts import text
from storage.repositories import stats as stats_repo
from storage.repositories.stats import TicketRow

FONT_FILE = "NotoSansCJKsc-Regular.otf"
WEEKS = 8
_DRAWING = threading.Lock()
"""matplotlib's rc settings are global: one drawing at a time."""
Deadlines = list[tuple[datetime | None, datetime | None]]


@dataclass(frozen=True, slots=True)
class Rate:
    """Deadlines met out of the deadlines that fell due."""

    met: int = 0
    due: int = 0

    @property
    def percent(self) -> float | None:
        return 100 * self.met / self.due if self.due else None


@dataclass(frozen=True, slots=True)
class Week:
    start: date
    reports: int
    signoff: Rate
    resolve: Rate


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    """What the image shows; ``end`` is the last day of the week (inclusive)."""

    community: str
    start: date
    end: date
    grids: list[tuple[str, str]]
    categories: list[str]
    """Categories reported this week, most reported first."""
    counts: dict[tuple[str, str], int]
    """(grid code, category) → reports this week."""
    signoff: dict[str, Rate]
    resolve: dict[str, Rate]
    weeks: list[Week]

    def texts(self) -> dict[str, str]:
        """``community``, ``start`` and ``end`` for titles and captions."""
        return {"community": self.community, "start": _day(self.start), "end": _day(self.end)}


def week_bounds(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From local midnight seven days before ``now``'s day to the start of that day."""
    end = datetime.combine(now.astimezone(zone).date(), time(), zone)
    return end - timedelta(days=7), end


def met(deadlines: Deadlines, start: datetime, end: datetime) -> Rate:
    """Of the deadlines due in [start, end): how many were met (done by the deadline)."""
    due = [(done, at) for done, at in deadlines if at is not None and start <= at < end]
    return Rate(
        sum(done is not None and at is not None and done <= at for done, at in due), len(due)
    )


def weekly_report(
    rows: Sequence[TicketRow],
    *,
    now: datetime,
    zone: ZoneInfo,
    community: str,
    grids: Sequence[tuple[str, str]],
) -> WeeklyReport:
    """The figures of the week before ``now`` and of the eight weeks up to it."""
    start, end = week_bounds(now, zone)
    this_week = [r for r in rows if start <= r.created_at < end]
    volume = Counter(r.category for r in this_week)

    def signoffs(subset: Sequence[TicketRow]) -> Deadlines:
        return [(r.accepted_at, r.signoff_due_at) for r in subset]

    def resolutions(subset: Sequence[TicketRow]) -> Deadlines:
        return [(r.resolved_at, r.resolve_due_at) for r in subset]

    weeks = []
    for back in range(WEEKS - 1, -1, -1):
        ws, we = start - timedelta(weeks=back), end - timedelta(weeks=back)
        created = sum(ws <= r.created_at < we for r in rows)
        weeks.append(
            Week(ws.date(), created, met(signoffs(rows), ws, we), met(resolutions(rows), ws, we))
        )
    of_grid = {code: [r for r in rows if r.grid_code == code] for code, _ in grids}
    return WeeklyReport(
        community=community,
        start=start.date(),
        end=(end - timedelta(days=1)).date(),
        grids=list(grids),
        categories=sorted(volume, key=lambda c: (-volume[c], c)),
        counts=dict(Counter((r.grid_code or "-", r.category) for r in this_week)),
        signoff={code: met(signoffs(subset), start, end) for code, subset in of_grid.items()},
        resolve={code: met(resolutions(subset), start, end) for code, subset in of_grid.items()},
        weeks=weeks,
    )


def build_report(
    session: Session, *, now: datetime, zone: ZoneInfo, community: str
) -> WeeklyReport:
    """Read what the report needs: eight weeks of tickets, and older ones with deadlines in them."""
    start, _ = week_bounds(now, zone)
    rows = stats_repo.ticket_rows(session, since=start - timedelta(weeks=WEEKS + 4))
    grids = stats_repo.grid_names(session)
    return weekly_report(rows, now=now, zone=zone, community=community, grids=grids)


@cache
def font_path() -> Path:
    """Noto Sans CJK SC as shipped inside the ``mplfonts`` package (found, not imported)."""
    spec = importlib.util.find_spec("mplfonts")
    locations = list(spec.submodule_search_locations or []) if spec else []
    path = Path(locations[0]) / "fonts" / FONT_FILE if locations else Path(FONT_FILE)
    if not path.is_file():
        raise RuntimeError(f"the Chinese font {FONT_FILE} of the mplfonts package is missing")
    fontManager.addfont(str(path))
    return path


@contextmanager
def chinese_font() -> Iterator[None]:
    """matplotlib settings that draw every text with the CJK font (one drawing at a time)."""
    family = FontProperties(fname=font_path()).get_name()
    with (
        _DRAWING,
        matplotlib.rc_context(
            {"font.family": [family], "axes.unicode_minus": False, "font.size": 10}
        ),
    ):
        yield


def draw(report: WeeklyReport) -> Figure:
    """The three panels on one figure (call inside :func:`chinese_font`)."""
    figure = Figure(figsize=(12, 13))
    # Fixed margins instead of a layout engine: it would draw everything twice.
    figure.subplots_adjust(left=0.07, right=0.81, top=0.93, bottom=0.05, hspace=0.42)
    FigureCanvasAgg(figure)
    figure.suptitle(text("report_title", **report.texts()), fontsize=16)
    top, middle, bottom = figure.subplots(3, 1)
    _reports_by_grid(top, report)
    _on_time_by_grid(middle, report)
    _trend(bottom, report)
    return figure


def render_png(report: WeeklyReport) -> bytes:
    """The report as a PNG image."""
    buffer = io.BytesIO()
    with chinese_font():
        draw(report).savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _reports_by_grid(axes: Axes, report: WeeklyReport) -> None:
    names = [name for _, name in report.grids]
    bottom = [0] * len(names)
    colours = matplotlib.colormaps["tab20"]
    for index, category in enumerate(report.categories):
        heights = [report.counts.get((code, category), 0) for code, _ in report.grids]
        axes.bar(
            names, heights, bottom=bottom, label=category_label(category), color=colours(index % 20)
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    totals = axes.bar(names, [0] * len(names), bottom=bottom, color="none")
    axes.bar_label(totals, labels=[str(t) for t in bottom], padding=2, fontsize=9)
    axes.set_ylim(0, max([*bottom, 1]) * 1.15)
    if report.categories:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    else:
        axes.text(0.5, 0.5, text("report_no_reports"), transform=axes.transAxes, ha="center")
    axes.set_title(text("report_panel_reports"), loc="left")
    axes.set_ylabel(text("report_reports"))
    axes.tick_params(axis="x", labelrotation=30)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def _on_time_by_grid(axes: Axes, report: WeeklyReport) -> None:
    positions = range(len(report.grids))
    for offset, key, rates in (
        (-0.2, "report_signoff", report.signoff),
        (0.2, "report_resolve", report.resolve),
    ):
        values = [rates[code].percent for code, _ in report.grids]
        bars = axes.bar(
            [p + offset for p in positions], [v or 0 for v in values], width=0.4, label=text(key)
        )
        labels = ["—" if v is None else f"{v:.0f}" for v in values]
        axes.bar_label(bars, labels=labels, fontsize=8, padding=2)
    axes.set_xticks(list(positions), [name for _, name in report.grids], rotation=30)
    axes.set_ylim(0, 115)
    axes.set_ylabel(text("report_rate_axis"))
    axes.set_title(text("report_panel_on_time"), loc="left")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)


def _trend(axes: Axes, report: WeeklyReport) -> None:
    labels = [f"{w.start.month}/{w.start.day}" for w in report.weeks]
    axes.bar(
        labels, [w.reports for w in report.weeks], color="#c7d7ea", label=text("report_reports")
    )
    axes.set_ylabel(text("report_reports"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    rates = axes.twinx()
    for key, attr, colour in (
        ("report_signoff", "signoff", "#1f77b4"),
        ("report_resolve", "resolve", "#ff7f0e"),
    ):
        values = [getattr(w, attr).percent for w in report.weeks]
        rates.plot(
            labels,
            [float("nan") if v is None else v for v in values],
            marker="o",
            color=colour,
            label=text(key),
        )
    rates.set_ylim(0, 105)
    rates.set_ylabel(text("report_rate_axis"))
    axes.set_title(text("report_panel_trend"), loc="left")
    handles = axes.get_legend_handles_labels()[0] + rates.get_legend_handles_labels()[0]
    rates.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.08, 1.0), fontsize=9, frameon=False
    )


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"
