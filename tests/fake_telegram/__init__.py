"""A fake Telegram Bot API server for tests: the real frameworks talk HTTP to it on 127.0.0.1.

    fake = FakeTelegram()
    root = await fake.start()               # http://127.0.0.1:<port>
    bot = telegram.Bot(fake.token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")
    fake.inject_text(42, "楼道灯坏了")         # a resident writes; returns the update_id
    [reply] = await fake.wait_for_sent(42)  # the bot answered in the private chat 42
    await fake.stop()

Sync tests and subprocesses: `with FakeTelegramThread() as fake: ...` and the `*_sync` waits.
"""

from .faults import ApiError, Violation
from .server import DEFAULT_TOKEN, FakeTelegram
from .state import Call, CallbackAnswer, Delivery, Edit, SentMessage, StoredFile, Upload, Webhook
from .thread import FakeTelegramThread

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "Call",
    "CallbackAnswer",
    "Delivery",
    "Edit",
    "FakeTelegram",
    "FakeTelegramThread",
    "SentMessage",
    "StoredFile",
    "Upload",
    "Violation",
    "Webhook",
]
