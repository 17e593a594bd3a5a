"""The weekly report: its figures (pure) and its drawing (every character in the Chinese font)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from matplotlib.font_manager import findfont
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from PIL import Image

from bot.committee.report_image import (
    Rate,
    WeeklyReport,
    chinese_font,
    draw,
    font_path,
    render_png,
    week_bounds,
    weekly_report,
)
from bot.community import load_community
from bot.service.notices import category_label
from nlp import DEFAULT_CODES
from storage.repositories.stats import TicketRow

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
WEEK_START = datetime(2026, 11, 23, tzinfo=ZONE)
H = timedelta(hours=1)
GRIDS = [("G01", "鼓楼南网格"), ("G02", "鼓楼东网格")]


def row(created: datetime, grid: str = "G01", category: str = "noise", **more: object) -> TicketRow:
    values: dict[str, object] = {
        "signoff_due_at": created + 4 * H,
        "resolve_due_at": created + 48 * H,
    }
    return TicketRow(grid, category, "assigned", "registered", created, **(values | more))  # type: ignore[arg-type]


def report_of(rows: list[TicketRow], grids: list[tuple[str, str]] = GRIDS) -> WeeklyReport:
    return weekly_report(rows, now=MONDAY_9AM, zone=ZONE, community="福安社区", grids=grids)


def test_on_monday_the_week_is_the_last_monday_to_sunday_in_local_time() -> None:
    start, end = week_bounds(MONDAY_9AM, ZONE)
    assert (start, end) == (WEEK_START, WEEK_START + timedelta(days=7))
    report = report_of([])
    assert (report.start.isoformat(), report.end.isoformat()) == ("2026-11-23", "2026-11-29")


def test_only_this_weeks_reports_are_counted_by_grid_and_category() -> None:
    rows = [
        row(WEEK_START + H),
        row(WEEK_START + 30 * H, grid="G02", category="environment"),
        row(WEEK_START + 31 * H, grid="G02", category="environment"),
        row(WEEK_START - H),  # Sunday before: last week
        row(WEEK_START + timedelta(days=7, hours=1)),  # this Monday: next week's report
    ]
    report = report_of(rows)
    assert report.counts == {("G01", "noise"): 1, ("G02", "environment"): 2}
    assert report.categories == ["environment", "noise"]
    assert [w.reports for w in report.weeks][-2:] == [1, 3] and len(report.weeks) == 8


def test_on_time_rates_count_the_deadlines_that_fell_due_this_week() -> None:
    early = WEEK_START - 2 * H  # reported last week, its sign-off due this week
    rows = [
        row(early, accepted_at=early + H),
        row(WEEK_START + H, accepted_at=WEEK_START + 6 * H),  # accepted after its 4 hours
        row(WEEK_START + 2 * H, grid="G02", accepted_at=WEEK_START + 3 * H),
    ]
    report = report_of(rows)
    assert report.signoff["G01"] == Rate(met=1, due=2) and report.signoff["G02"] == Rate(1, 1)
    assert report.resolve["G01"] == Rate(met=0, due=2)
    assert report.weeks[-1].signoff == Rate(2, 3) and report.weeks[-2].signoff == Rate(0, 0)
    assert Rate(0, 0).percent is None


def missing_glyphs(texts: list[str]) -> list[str]:
    """Characters of ``texts`` the shipped CJK font has no glyph for."""
    font = FT2Font(str(font_path()))
    return sorted(
        {ch for t in texts for ch in t if not ch.isspace() and font.get_char_index(ord(ch)) == 0}
    )


def test_every_character_drawn_is_in_the_chinese_font() -> None:
    community = load_community()
    grids = [(g.code, g.name) for g in community.grids]
    start = WEEK_START + H
    rows = [
        row(start + i * H, grid=grids[i % len(grids)][0], category=code, accepted_at=start + i * H)
        for i, code in enumerate(DEFAULT_CODES)
    ]
    report = report_of(rows, grids)
    with chinese_font():
        figure = draw(report)
        figure.canvas.draw()  # lay out: tick labels and legends get their text
        texts = [t for t in figure.findobj(Text) if t.get_text().strip()]
        fonts = {str(findfont(t.get_fontproperties())) for t in texts}
    drawn = [t.get_text() for t in texts]
    assert fonts == {str(font_path())}
    assert "福安社区周报（11月23日至11月29日）" in drawn and "幸福里南网格" in drawn
    assert {category_label(code) for code in DEFAULT_CODES} <= set(drawn)
    assert missing_glyphs(drawn) == []
    assert missing_glyphs(["\ue000"]) == ["\ue000"]  # the check does see a missing glyph


def test_the_png_is_a_readable_image() -> None:
    png = render_png(report_of([row(WEEK_START + H, accepted_at=WEEK_START + 2 * H)]))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1200, 1300)
    assert 20_000 < len(png) < 1_000_000
