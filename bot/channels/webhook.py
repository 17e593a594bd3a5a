"""Webhook mode: a small aiohttp server that checks Telegram's secret and feeds the channel.

A wrong or missing ``X-Telegram-Bot-Api-Secret-Token`` (compared in constant time), a body that
is not JSON or is too large: rejected and logged, nothing processed. An update is processed
before the answer, so a crash makes Telegram deliver it again (and idempotency makes that safe).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1_000_000

Feed = Callable[[dict[str, Any]], Awaitable[None]]


def webhook_app(secret: str, path: str, feed: Feed) -> web.Application:
    """The aiohttp application that receives Telegram's updates at ``path``."""

    async def receive(request: web.Request) -> web.Response:
        offered = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(offered.encode(), secret.encode()):
            log.warning(
                "webhook: refused a request with a wrong or missing secret from %s", request.remote
            )
            return web.Response(status=403, text="forbidden")
        if request.content_type != "application/json":
            log.warning("webhook: refused content type %r", request.content_type)
            return web.Response(status=415, text="expected application/json")
        try:
            update = await request.json()
        except web.HTTPRequestEntityTooLarge:
            log.warning("webhook: refused a body over %d bytes", MAX_BODY_BYTES)
            return web.Response(status=413, text="too large")
        except (json.JSONDecodeError, UnicodeDecodeError):
            log.warning("webhook: refused a body that is not JSON")
            return web.Response(status=400, text="not json")
        if not isinstance(update, dict) or "update_id" not in update:
            log.warning("webhook: refused JSON that is not an update")
            return web.Response(status=400, text="not an update")
        await feed(update)
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(path, receive)
    return app


async def start_server(app: web.Application, listen: str) -> web.AppRunner:
    """Serve ``app`` on ``HOST:PORT``; returns the runner (``await runner.cleanup()`` to stop)."""
    host, _, port = listen.rpartition(":")
    runner = web.AppRunner(app, shutdown_timeout=10.0)
    await runner.setup()
    await web.TCPSite(runner, host or "0.0.0.0", int(port)).start()
    return runner
