"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fake_telegram import FakeTelegram


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A fresh fake Bot API server on 127.0.0.1, stopped after the test."""
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()
