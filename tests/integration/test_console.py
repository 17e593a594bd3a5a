"""The console channel and the demo, run as the real program with piped stdin."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """\
/start
/press 1
/press 2
钟楼巷3号
楼道里堆满了纸箱和旧家具，消防通道都堵死了
/press 1
/my
/sticker
/press 99
/as staff 董伟
/tasks
/press 1
/quit
"""


def run(args: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDVOICE_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=180,
    )


def test_a_piped_console_session_plays_the_loop_on_an_empty_directory(tmp_path: Path) -> None:
    done = run(["console"], tmp_path, SCRIPT)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert (tmp_path / "gridvoice.db").exists()
    assert "→ [居民 1001] 好了！您在钟楼网格" in out
    assert "→ [董伟] 新任务 F-000001" in out  # the police officer of the grid: fire safety
    assert "F-000001 消防安全 — 已派单" in out
    assert "只能收文字" in out and "没有这个按钮" in out
    assert "→ [居民 1001] 您的问题 F-000001 状态更新：处理中" in out
    assert "Traceback" not in out + done.stderr


def test_a_second_console_session_resumes_the_same_database(tmp_path: Path) -> None:
    run(["console"], tmp_path, SCRIPT)
    done = run(["console"], tmp_path, "/my\n")
    assert "F-000001 消防安全 — 处理中" in done.stdout


def test_the_demo_shows_the_whole_loop(tmp_path: Path) -> None:
    done = run(["demo"], tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for expected in ["已登记，编号 F-000001", "已签收 F-000001", "问题解决了吗", "谢谢您的评价",
                     "F-000001 环境卫生 — 已关闭", "119", "【紧急】"]:  # fmt: skip
        assert expected in out, expected
    assert not (tmp_path / "gridvoice.db").exists()
