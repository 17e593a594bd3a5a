"""Pure Open311 rules: what a published ticket hides, how statuses map, how queries parse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.open311.body import form_schema
from bot.open311.disclosure import redact
from bot.open311.errors import Open311Problem
from bot.open311.filters import RequestQuery, parse_query
from bot.open311.mapping import (
    TicketContext,
    open311_status,
    round_coordinate,
    services,
    to_request,
)
from storage.enums import StaffRole, TicketStatus
from storage.models import StaffMember, Ticket

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("电话13800138000", "电话***"),
        ("打 138 0013 8000 找我", "打 *** 找我"),
        ("座机010-62345678", "座机***"),
        ("身份证11010519491231002X丢了", "身份证***丢了"),
        ("后街１２号门口", "后街*号门口"),
        ("幸福里小区5栋302室", "幸福里小区*栋*室"),
        ("鼓楼巷三号院二单元", "鼓楼巷*号院*单元"),
        ("3楼楼道灯坏了两天", "*楼楼道灯坏了两天"),
        ("垃圾桶满了", "垃圾桶满了"),
        ("2025年3月1日晚上10点", "2025年3月1日晚上10点"),
    ],
)
def test_phone_like_numbers_and_house_numbers_are_masked(text: str, published: str) -> None:
    assert redact(text) == published


def test_coordinates_are_rounded_to_about_a_hundred_metres() -> None:
    assert round_coordinate(39.9123456) == 39.912
    assert round_coordinate(None) is None


@pytest.mark.parametrize("status", list(TicketStatus))
def test_only_resolved_and_closed_tickets_are_closed(status: TicketStatus) -> None:
    expected = "closed" if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED) else "open"
    assert open311_status(status) == expected


def test_every_category_is_a_service_with_its_chinese_name() -> None:
    found = services()
    assert len(found) == 14
    assert [s.service_name for s in found[:3]] == ["环境卫生", "噪音扰民", "市容秩序"]
    assert all(s.description and not s.metadata for s in found)
    assert all(s.keywords for s in found if s.service_code != "other")


def ticket(**overrides: object) -> Ticket:
    values: dict[str, object] = {
        "code": "F-000007", "category": "noise", "status": TicketStatus.ACCEPTED,
        "text": "隔壁装修太吵", "created_at": NOW, "updated_at": NOW, "latitude": 39.91251,
        "longitude": 116.39749, "resolve_due_at": NOW + timedelta(days=5), "reopen_count": 1,
    }  # fmt: skip
    values.update(overrides)
    return Ticket(**values)


def test_a_request_names_the_role_and_the_grid_never_the_person() -> None:
    police = StaffMember(name="赵警官", role=StaffRole.POLICE, chat_id=77)
    view = to_request(ticket(), TicketContext("鼓楼网格", police, "福安社区"), ZONE)
    assert view.agency_responsible == "社区民警" and "赵警官" not in view.model_dump_json()
    assert view.address == "福安社区鼓楼网格"
    assert view.status == "open" and view.status_notes == "处理中；重新处理 1 次"
    assert view.requested_datetime == "2026-11-27T10:00:00+08:00"
    assert view.expected_datetime == "2026-12-02T10:00:00+08:00"
    assert (view.lat, view.long) == (39.913, 116.397)


def test_an_anonymised_ticket_shows_neither_text_nor_place() -> None:
    erased = ticket(anonymised_at=NOW, status=TicketStatus.CLOSED, solved=False)
    view = to_request(erased, TicketContext(None, None, "福安社区"), ZONE)
    assert (view.description, view.lat, view.long, view.address) == ("", None, None, None)
    assert view.status_notes.startswith("已关闭（未解决）")


def query(**given: str | None) -> RequestQuery:
    fields: dict[str, str | None] = dict.fromkeys(
        ("service_request_id", "service_code", "start_date", "end_date", "status")
    )
    return parse_query(**{**fields, **given}, now=NOW, zone=ZONE)


def test_without_dates_or_ids_the_last_ninety_days_are_listed() -> None:
    assert query() == RequestQuery(start=NOW - timedelta(days=90))


def test_ids_override_every_other_parameter() -> None:
    given = query(service_request_id="f-000001, F-000002,f-000001", status="open")
    assert given == RequestQuery(codes=("F-000001", "F-000002"))


def test_dates_without_an_offset_are_the_community_local_time() -> None:
    parsed = query(start_date="2026-11-01", end_date="2026-11-02T08:00:00Z", status="open,closed")
    assert parsed.start == datetime(2026, 11, 1, tzinfo=ZONE)
    assert parsed.end == datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert parsed.statuses == ("open", "closed")


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ({"status": "pending"}, "status"),
        ({"service_code": "noise,parking"}, "'parking'"),
        ({"start_date": "2026-13-01"}, "start_date"),
        ({"end_date": "tomorrow"}, "end_date"),
        ({"start_date": "2026-11-02", "end_date": "2026-11-01"}, "after end_date"),
    ],
)
def test_bad_queries_are_refused_with_the_parameter_named(
    given: dict[str, str], words: str
) -> None:
    with pytest.raises(Open311Problem) as refused:
        query(**given)
    assert refused.value.status == 400 and words in refused.value.description


def test_the_documented_form_has_no_null_fields() -> None:
    schema = form_schema()
    assert schema["required"] == ["description"]
    assert all("anyOf" not in field for field in schema["properties"].values())
    assert schema["properties"]["lat"]["type"] == "number"
