"""``gridvoice demo``: a scripted scenario of the whole loop, on a throw-away database."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bot.bootstrap import build
from bot.channels.console import CHANNEL, run
from bot.settings import Settings

SCRIPT = """\
/as resident 1001
/start
/press 1
/press 4
后街12号
楼下烧烤店油烟太大，窗户都不敢开，衣服上全是味
/press 1
/as staff 胡淑珍
/tasks
/press 1
/press 2
已约谈店主，加装油烟净化器，明天复查
/as resident 1001
/press 1
/press 5
/my
/as resident 1002
/start
/press 1
/press 2
钟楼巷3号
楼道里有人给电动车飞线充电，冒火花了！
/my
"""


def main(settings: Settings) -> int:
    """Play :data:`SCRIPT` through the console channel and print the transcript."""
    with tempfile.TemporaryDirectory(prefix="gridvoice-demo-") as folder:
        demo = settings.model_copy(
            update={"database_url": f"sqlite:///{Path(folder) / 'demo.db'}", "community": None}
        )
        app = build(demo, channel=CHANNEL)
        try:
            run(app, SCRIPT.splitlines(), sys.stdout)
        finally:
            app.database.dispose()
    return 0
