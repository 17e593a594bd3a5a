"""Hostile requests to the webhook server over HTTP: refused, logged, and never fed to the bot.

tests/e2e/test_webhook.py covers a missing or wrong secret, text/plain, a body that is not JSON,
JSON without an update id and a 2 MB body on both frameworks; here the server alone faces the
cases those leave out.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.channels.webhook import MAX_BODY_BYTES, SECRET_HEADER, start_server, webhook_app
from tests.e2e.test_webhook import free_port

SECRET = "hostile-secret-0123456789"
PATH = "/telegram/hook"
JSON = {"Content-Type": "application/json"}


class Server:
    """The webhook server on 127.0.0.1 with a feed that records what reaches the bot."""

    def __init__(self) -> None:
        self.fed: list[dict[str, Any]] = []
        self.url = f"http://127.0.0.1:{free_port()}{PATH}"

    async def feed(self, update: dict[str, Any]) -> None:
        self.fed.append(update)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    hosted = Server()
    listen = hosted.url.removeprefix("http://").removesuffix(PATH)
    runner = await start_server(webhook_app(SECRET, PATH, hosted.feed), listen)
    yield hosted
    await runner.cleanup()


async def chunks(size: int) -> AsyncIterator[bytes]:
    """A body sent chunked, without a Content-Length to refuse it early."""
    yield b'{"update_id": 1, "pad": "'
    for _ in range(size // 65_536 + 1):
        yield b"x" * 65_536
    yield b'"}'


CASES: list[tuple[str, dict[str, str], Any, int]] = [
    ("secret differs in case", {SECRET_HEADER: SECRET.upper(), **JSON}, b'{"update_id": 1}', 403),
    ("secret as a prefix only", {SECRET_HEADER: SECRET[:-1], **JSON}, b'{"update_id": 1}', 403),
    ("secret in a different header", {"X-Secret": SECRET, **JSON}, b'{"update_id": 1}', 403),
    ("no content type", {SECRET_HEADER: SECRET}, b'{"update_id": 1}', 415),
    ("form encoded", {SECRET_HEADER: SECRET, "Content-Type": "application/x-www-form-urlencoded"},
     b"update_id=1", 415),
    ("multipart", {SECRET_HEADER: SECRET, "Content-Type": "multipart/form-data; boundary=x"},
     b"--x--", 415),
    ("json lookalike type", {SECRET_HEADER: SECRET, "Content-Type": "application/jsonp"},
     b'{"update_id": 1}', 415),
    ("not UTF-8", {SECRET_HEADER: SECRET, **JSON}, b'{"update_id": 1, "x": "\xff\xfe"}', 400),
    ("oversized, chunked", {SECRET_HEADER: SECRET, **JSON}, chunks(MAX_BODY_BYTES + 1), 413),
    ("oversized, declared", {SECRET_HEADER: SECRET, **JSON},
     b'{"update_id": 1, "pad": "' + b"x" * MAX_BODY_BYTES + b'"}', 413),
]  # fmt: skip


@pytest.mark.parametrize(("headers", "body", "status"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
async def test_a_hostile_request_is_refused_logged_and_not_fed(
    server: Server, caplog: pytest.LogCaptureFixture, headers: dict[str, str], body: Any,
    status: int,
) -> None:  # fmt: skip
    caplog.set_level(logging.WARNING, logger="bot.channels.webhook")
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.url, data=body, headers=headers) as response,
    ):
        assert response.status == status
    assert server.fed == []
    assert [r for r in caplog.records if r.name == "bot.channels.webhook"], "not logged"
    assert all(SECRET not in r.getMessage() for r in caplog.records)


async def test_other_methods_and_paths_are_refused(server: Server) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(server.url, headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 405
        other = server.url.replace(PATH, "/telegram/other")
        async with session.post(other, json={"update_id": 1}, headers={SECRET_HEADER: SECRET}) as r:
            assert r.status == 404
    assert server.fed == []


@pytest.mark.parametrize("body", [b"[1, 2]", b'"update_id"', b"null", b'{"x": 1}'])
async def test_json_that_is_not_an_update_is_refused_and_logged(
    server: Server, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.channels.webhook")
    headers = {SECRET_HEADER: SECRET, **JSON}
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.url, data=body, headers=headers) as response,
    ):
        assert response.status == 400
    assert server.fed == []
    assert [r for r in caplog.records if r.name == "bot.channels.webhook"], "not logged"


async def test_the_right_secret_and_type_are_fed(server: Server) -> None:
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json; charset=utf-8"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.url, data=b'{"update_id": 5}', headers=headers) as response,
    ):
        assert response.status == 200
    assert server.fed == [{"update_id": 5}]
