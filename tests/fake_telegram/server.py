"""The fake Bot API server: an aiohttp app on 127.0.0.1 that the real frameworks talk to.

`FakeTelegram` runs in the test's event loop (`await fake.start()`); `FakeTelegramThread` runs one
in a thread of its own for sync tests and subprocesses. Every request is recorded, then faults are
applied (delay, then failure or drop, then blocked chat or flood limit), then the method answers.
"""

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from . import webhook
from .faults import ApiError, Faults
from .inject import Injector
from .methods import METHODS
from .records import Records
from .state import Call, TelegramState, Webhook
from .wire import answer, read_params, refuse

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST"
SERVER_METHODS = ("getUpdates", "setWebhook", "deleteWebhook")
CANONICAL = {name.lower(): name for name in (*METHODS, *SERVER_METHODS)}
SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class FakeTelegram(Injector, Records):
    """A Bot API server for one bot, with injection, faults and records (see the package doc)."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        enforce_limits: bool = False,
        clock: Callable[[], float] = time.time,
        webhook_retry: float = 0.1,
    ) -> None:
        self.token = token
        self.state = TelegramState(token, clock=clock, changed=self._wake)
        self.faults = Faults(enforce_limits=enforce_limits)
        self.webhook_retry = webhook_retry
        self.root = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed = asyncio.Event()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._poller = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen (port 0: any free port) and return the root URL, e.g. http://127.0.0.1:54321."""
        self._loop = asyncio.get_running_loop()
        self._changed, self._stopping = asyncio.Event(), asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        self.root = f"http://{bound_host}:{bound_port}"
        return self.root

    async def stop(self) -> None:
        """End long polls and delays at once, stop webhook delivery, close the server."""
        self._stopping.set()
        self._notify()
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # Faults (see faults.Faults)

    def fail_next(
        self,
        method: str | None = None,
        status: int = 429,
        *,
        retry_after: int | None = 3,
        description: str | None = None,
        times: int | None = 1,
    ) -> None:
        self.faults.fail_next(
            method, status, retry_after=retry_after, description=description, times=times
        )

    def drop_next(self, method: str | None = None, n: int = 1) -> None:
        self.faults.drop_next(method, n)

    def delay(self, method: str | None, seconds: float, *, times: int | None = 1) -> None:
        self.faults.delay(method, seconds, times=times)

    def clear_faults(self) -> None:
        self.faults.clear()

    def block_chat(self, chat_id: int, description: str | None = None) -> None:
        self.faults.block_chat(chat_id, description)

    def unblock_chat(self, chat_id: int) -> None:
        self.faults.unblock_chat(chat_id)

    @property
    def enforce_limits(self) -> bool:
        return self.faults.enforce_limits

    @enforce_limits.setter
    def enforce_limits(self, value: bool) -> None:
        self.faults.enforce_limits = value

    # HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        try:
            params = await read_params(request)
        except ApiError as error:
            return refuse(error)
        method = CANONICAL.get(name.lower(), name)
        if request.match_info["token"] != self.token:
            call = self.state.record(method, params)
            call.status = 401
            return refuse(ApiError(401, "Unauthorized"))
        response = await self.execute(method, params)
        if response is None:  # a dropped connection: no answer at all
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError
        return response

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return refuse(ApiError(401, "Unauthorized"))
        path = request.match_info["path"]
        with self.state.lock:
            found = [f for f in self.state.files.values() if f.file_path == path]
        if not found:
            return refuse(ApiError(404, "Not Found"))
        content_type = found[0].mime_type or "application/octet-stream"
        return web.Response(body=found[0].content, content_type=content_type)

    async def execute(self, method: str, params: JSON) -> web.Response | None:
        """Record and answer one call; None means the connection is to be dropped."""
        call = self.state.record(method, params)
        response = await self._respond(call)
        call.status = 0 if response is None else response.status
        call.answered = time.monotonic()
        return response

    async def _respond(self, call: Call) -> web.Response | None:
        if seconds := self.faults.next_delay(call.method):
            await self._pause(self._stopping, seconds)
        failure = self.faults.next_failure(call.method)
        if failure is not None:
            return None if failure.kind == "drop" else refuse(failure.error)  # type: ignore[arg-type]
        try:
            refusal = self.faults.refusal(call.method, call.params.get("chat_id"))
            if refusal is not None:
                raise refusal
            return answer(await self._result(call))
        except ApiError as error:
            return refuse(error)

    async def _result(self, call: Call) -> object:
        if call.method == "getUpdates":
            return await self._get_updates(call.params)
        if call.method == "setWebhook":
            return self._set_webhook(call.params)
        if call.method == "deleteWebhook":
            return self._set_webhook(
                {"drop_pending_updates": call.params.get("drop_pending_updates")}
            )
        handler = METHODS.get(call.method)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return handler(self.state, call)

    # Updates: long polling and the webhook

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self.state.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        self._poller += 1
        me = self._poller
        self._notify()  # an older long poll ends with a conflict, as on Telegram
        if isinstance(params.get("offset"), int) and params["offset"] != 0:
            self.state.confirm_below(params["offset"])
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 0)
        while True:
            if me != self._poller:
                raise ApiError(409, CONFLICT_POLL)
            updates = self.state.take(limit, params.get("allowed_updates"))
            if updates or self._stopping.is_set() or loop.time() >= deadline:
                return updates
            await self._pause(self._changed, deadline - loop.time())

    def _set_webhook(self, params: JSON) -> bool:
        """setWebhook with a URL sets it; without one (and deleteWebhook) removes it."""
        secret = params.get("secret_token")
        if secret is not None and not SECRET.fullmatch(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self.state.drop_pending()
        url = params.get("url") or ""
        allowed = params.get("allowed_updates")
        hook = Webhook(url, secret, allowed, params.get("max_connections", 40)) if url else None
        with self.state.lock:
            self.state.webhook = hook
            if hook is not None and allowed is not None:
                self.state.allowed_updates = list(allowed) or None
        if hook is not None and (self._delivery is None or self._delivery.done()):
            assert self._session is not None
            self._delivery = asyncio.create_task(
                webhook.deliver(
                    self.state, self._session, self._wait_change, self.execute, self.webhook_retry
                )
            )
        self._notify()
        return True

    async def _wait_change(self, seconds: float | None) -> None:
        await self._pause(self._changed, seconds)

    async def _pause(self, event: asyncio.Event, seconds: float | None) -> None:
        """Wait for the event, at most `seconds`, and never past stop()."""
        if self._stopping.is_set():
            return
        waits = {asyncio.ensure_future(event.wait()), asyncio.ensure_future(self._stopping.wait())}
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    def _wake(self) -> None:
        """Called on any change of the state, from whichever thread made it."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._notify()
        else:
            loop.call_soon_threadsafe(self._notify)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()
