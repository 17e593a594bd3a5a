"""A FakeTelegram in a thread of its own, for sync tests and for bots run as subprocesses."""

import asyncio
import threading
from types import TracebackType
from typing import Any

from .server import FakeTelegram


class FakeTelegramThread:
    """`with FakeTelegramThread() as fake:` starts a server in a background event loop.

    The FakeTelegram it yields is used from the test's thread as usual: injections wake the
    server's loop, records are thread-safe, and the waits to use are the `*_sync` ones.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.fake = FakeTelegram(**options)
        self._address = (host, port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="fake-telegram", daemon=True
        )

    def __enter__(self) -> FakeTelegram:
        self._thread.start()
        self._run(self.fake.start(*self._address))
        return self.fake

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._run(self.fake.stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
            self._loop.close()

    def _run(self, work: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=10)
