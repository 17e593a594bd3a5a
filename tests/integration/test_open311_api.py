"""The Open311 API over a real database: platforms read redacted tickets and file new ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlmodel import select

from bot.community import load_community
from bot.open311.app import create_app
from bot.service.context import Services
from storage import make_engine
from storage.enums import TicketStatus
from storage.models import ApiKey, Resident, StaffMember, Ticket
from storage.repositories.apikeys import create_api_key, revoke_api_key
from storage.unit_of_work import uow_factory

if TYPE_CHECKING:
    from tests.integration.conftest import World

BASE = "/open311/v2"


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(world.app.uow_factory, world.app.services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client


def new_key(world: World, name: str = "chengguan") -> str:
    with world.app.uow_factory() as uow:
        key = create_api_key(uow.session, name=name, now=world.now)[1]
        uow.commit()
    return key


def report(key: str | None, **fields: Any) -> dict[str, Any]:
    body = {"description": "后街12号门口垃圾堆了三天没人清", "address_string": "后街12号"}
    return {**body, **({"api_key": key} if key else {}), **fields}


def is_error(response: httpx.Response, status: int, words: str) -> bool:
    body = response.json()
    return (
        response.status_code == status
        and body == [{"code": status, "description": body[0]["description"]}]
        and words in body[0]["description"]
    )


async def test_a_platform_report_is_routed_and_the_assignee_told(
    world: World, client: httpx.AsyncClient
) -> None:
    assignee = world.staff("胡淑珍", 5001)  # committee member of 后街东网格: environment
    key = new_key(world)
    response = await client.post(
        f"{BASE}/requests.json", data=report(key, service_code="environment")
    )
    assert response.status_code == 201
    [created] = response.json()
    assert created["service_request_id"] == "F-000001" and "居委会委员" in created["service_notice"]
    world.deliver_all()
    assert "新任务 F-000001" in assignee.last and "后街12号" in assignee.last
    [ticket] = world.tickets()
    assert ticket.source == "open311:chengguan" and ticket.status == TicketStatus.ASSIGNED
    assert ticket.assignee_id == world.one(StaffMember, StaffMember.name == "胡淑珍").id  # type: ignore[attr-defined]
    assert ticket.signoff_due_at is not None and ticket.reporter_id is None
    assert world.one(ApiKey, ApiKey.name == "chengguan").last_used_at == world.now  # type: ignore[attr-defined]
    with world.app.uow_factory() as uow:
        residents = uow.session.exec(select(Resident)).all()
        assert [r.chat_id for r in residents] == [5001]  # only the staff member's own chat


async def test_the_category_is_given_or_classified_and_a_danger_is_urgent(
    world: World, client: httpx.AsyncClient
) -> None:
    key = new_key(world)
    noisy = {"api_key": key, "description": "楼上装修电钻声太吵了，从早到晚不停"}
    assert (await client.post(f"{BASE}/requests.json", json=noisy)).status_code == 201
    fire = report(key, service_code="fire_safety", description="楼道里电动车着火了，冒浓烟")
    assert (await client.post(f"{BASE}/requests.json", data=fire)).status_code == 201
    classified, given = world.tickets()
    assert classified.category == "noise" and classified.explanation["suggested"] == "noise"
    assert not classified.urgent
    assert given.urgent and given.category == "fire_safety" and given.explanation == {}
    assert given.signoff_due_at == world.now + timedelta(minutes=30)


async def test_posting_needs_a_live_key(world: World, client: httpx.AsyncClient) -> None:
    key = new_key(world)
    with world.app.uow_factory() as uow:
        revoke_api_key(uow.session, name="chengguan", now=world.now)
        uow.commit()
    url = f"{BASE}/requests.json"
    assert is_error(await client.post(url, data=report(None)), 403, "api_key is required")
    assert is_error(await client.post(url, data=report("gv_guess")), 403, "unknown or revoked")
    assert is_error(await client.post(url, data=report(key)), 403, "unknown or revoked")
    live = new_key(world, "jiedao")
    assert (await client.post(url, params={"api_key": live}, data=report(None))).status_code == 201
    assert [t.source for t in world.tickets()] == ["open311:jiedao"]


BAD_FIELDS = [
    ({"lat": "39.9"}, "lat and long go together"),
    ({"lat": "abc", "long": "116.4"}, "lat"),
    ({"lat": "91", "long": "116.4"}, "lat"),
    ({"lat": "nan", "long": "116.4"}, "lat"),
    ({"service_code": "parking"}, "unknown service 'parking'"),
    ({"description": "   "}, "description"),
    ({"description": "。。。"}, "description"),
    ({"description": "x" * 4001}, "description"),
]


async def test_bad_input_gets_an_open311_error_and_no_ticket(
    world: World, client: httpx.AsyncClient
) -> None:
    key = new_key(world)
    for fields, words in BAD_FIELDS:
        response = await client.post(f"{BASE}/requests.json", data=report(key, **fields))
        assert is_error(response, 400, words), (fields, response.text)
    url = f"{BASE}/requests.json"
    assert is_error(await client.post(url, json=["x"], params={"api_key": key}), 400, "object")
    broken = await client.post(url, content=b"{", headers={"content-type": "application/json"})
    assert is_error(broken, 400, "not valid")
    xml = await client.post(url, content=b"<a/>", headers={"content-type": "text/xml"})
    assert is_error(xml, 415, "form-encoded or as JSON")
    huge = await client.post(url, data=report(key, description="垃圾" * 40_000))
    assert is_error(huge, 413, "larger than 65536 bytes")
    assert world.tickets() == []


SECRET_TEXT = "我住后街12号3单元，电话13912345678，垃圾没人收"


def seed(world: World) -> None:
    """Three tickets of a resident with a name, phone, address, location and photo."""
    with world.app.uow_factory() as uow:
        resident = Resident(
            chat_id=987654321,
            display_name="王小明",
            phone="13912345678",
            address="后街12号3单元502",
        )
        uow.session.add(resident)
        uow.session.flush()
        rows = [
            ("F-000001", "environment", TicketStatus.ASSIGNED, world.now),
            ("F-000002", "noise", TicketStatus.RESOLVED, world.now - timedelta(days=3)),
            ("F-000003", "environment", TicketStatus.CLOSED, world.now - timedelta(days=200)),
        ]
        for code, category, status, created in rows:
            ticket = Ticket(code=code, category=category, status=status, text=SECRET_TEXT)
            ticket.created_at = ticket.updated_at = created
            ticket.reporter_id, ticket.photo_file_ids = resident.id, ["AgACAgQAAxk-photo"]
            ticket.latitude, ticket.longitude = 39.9123456, 116.3987654
            uow.session.add(ticket)
        uow.commit()


async def codes(client: httpx.AsyncClient, **params: str) -> list[str]:
    response = await client.get(f"{BASE}/requests.json", params=params)
    assert response.status_code == 200, response.text
    return [r["service_request_id"] for r in response.json()]


async def test_requests_are_listed_by_id_service_date_and_status(
    world: World, client: httpx.AsyncClient
) -> None:
    seed(world)
    assert await codes(client) == ["F-000001", "F-000002"]  # the last 90 days, newest first
    assert await codes(client, status="closed") == ["F-000002"]  # resolved counts as closed
    assert await codes(client, status="open,closed", service_code="environment") == ["F-000001"]
    assert await codes(client, start_date="2026-06-01", end_date="2026-11-26") == ["F-000002"]
    old = await codes(client, start_date="2026-01-01T00:00:00+08:00")
    assert old == ["F-000001", "F-000002", "F-000003"]
    ids = await codes(client, service_request_id="f-000003,F-000001,F-999999", status="open")
    assert ids == ["F-000001", "F-000003"]  # ids override every other filter
    [one] = (await client.get(f"{BASE}/requests/f-000002.json")).json()
    assert one["status"] == "closed" and one["status_notes"] == "已办结"
    assert one["service_name"] == "噪音扰民" and one["address"] is None
    missing = await client.get(f"{BASE}/requests/F-999999.json")
    assert is_error(missing, 404, "no service request 'F-999999'")


async def test_no_personal_data_leaves_through_the_api(
    world: World, client: httpx.AsyncClient
) -> None:
    seed(world)
    response = await client.get(f"{BASE}/requests.json", params={"start_date": "2020-01-01"})
    text = response.text
    for secret in ("王小明", "13912345678", "987654321", "12号", "3单元", "photo", "39.9123"):
        assert secret not in text
    first = response.json()[0]
    assert (first["lat"], first["long"]) == (39.912, 116.399)
    assert first["description"] == "我住后街*号*单元，电话***，垃圾没人收"


async def test_discovery_services_health_and_bad_queries(
    world: World, client: httpx.AsyncClient
) -> None:
    discovery = (await client.get(f"{BASE}/discovery.json")).json()
    assert discovery["endpoints"][0]["url"] == "http://api.test/open311/v2"
    assert (await client.get(f"{BASE}/discovery")).json() == discovery
    services = (await client.get(f"{BASE}/services.json")).json()
    assert len(services) == 14 and services[0]["service_name"] == "环境卫生"
    assert {s["service_code"] for s in services} >= {"youth_psych", "other"}
    definition = await client.get(f"{BASE}/services/noise.json")
    assert definition.json() == {"service_code": "noise", "attributes": []}
    assert is_error(await client.get(f"{BASE}/services/parking.json"), 404, "no service")
    health = await client.get("/health")
    assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok"}
    url = f"{BASE}/requests.json"
    assert is_error(await client.get(url, params={"status": "done"}), 400, "status")
    assert is_error(await client.get(url, params={"service_code": "x"}), 400, "unknown service")
    assert is_error(await client.get(url, params={"start_date": "yesterday"}), 400, "start_date")
    dates = {"start_date": "2026-02-01", "end_date": "2026-01-01"}
    assert is_error(await client.get(url, params=dates), 400, "after end_date")
    ids = ",".join(f"F-{n:06d}" for n in range(101))
    assert is_error(await client.get(url, params={"service_request_id": ids}), 400, "at most 100")
    assert is_error(await client.get(f"{BASE}/requests.xml"), 404, "only JSON")
    assert is_error(await client.delete(url), 405, "Method Not Allowed")


async def test_health_reports_an_unreachable_database() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    broken = create_app(uow_factory(engine), Services(load_community()))
    transport = httpx.ASGITransport(app=broken)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        response = await client.get("/health")
        listing = await client.get(f"{BASE}/requests.json")
    engine.dispose()
    assert response.status_code == 503 and response.json()["database"] == "unreachable"
    assert is_error(listing, 503, "database is unavailable")
