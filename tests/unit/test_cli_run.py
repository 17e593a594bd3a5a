"""`gridvoice run | console | nlp`: the channel is chosen and imported only when needed."""

import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.cli import main
from bot.lazy_import import MissingPackage, load_entry
from bot.settings import Settings


@pytest.fixture(autouse=True)
def no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "GRIDVOICE_TELEGRAM_BOT_TOKEN", "GRIDVOICE_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, calls: list[Any]) -> None:
    """Put a module whose `main(*args)` records its arguments and returns 0 in its place."""

    def entry(*args: Any) -> int:
        calls.append(args)
        return 0

    module = ModuleType(name)
    module.main = entry  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, name, module)


def test_without_a_token_run_explains_botfather_and_starts_the_console(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[Any] = []
    fake_module(monkeypatch, "bot.channels.console", calls)

    assert main(["run"]) == 0

    err = capsys.readouterr().err
    assert "No Telegram token is set" in err and "@BotFather" in err
    assert "export TELEGRAM_BOT_TOKEN=" in err
    [(settings,)] = calls
    assert isinstance(settings, Settings)


def test_with_a_token_run_starts_the_chosen_framework(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    calls: list[Any] = []
    fake_module(monkeypatch, "bot.channels.telegram_runner", calls)

    assert main(["run", "--framework", "aiogram"]) == 0

    [(settings, framework)] = calls
    assert framework == "aiogram" and settings.telegram_bot_token.get_secret_value() == "123:abc"


def test_with_a_token_but_no_telegram_channels_run_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setitem(sys.modules, "bot.channels.telegram_runner", None)

    assert main(["run"]) == 2
    assert "Telegram channels are not installed yet" in capsys.readouterr().err


def test_a_missing_telegram_library_is_named_with_its_distribution(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "gv_test_ptb_channel.py").write_text("import telegram\n")
    monkeypatch.syspath_prepend(tmp_path)
    monkeypatch.setitem(sys.modules, "telegram", None)  # as if not installed

    with pytest.raises(MissingPackage, match="python-telegram-bot is not installed"):
        load_entry("gv_test_ptb_channel")


def test_nlp_arguments_pass_through_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    fake_module(monkeypatch, "nlp.__main__", calls)

    assert main(["nlp", "eval", "--help", "--model", "m.json"]) == 0
    assert calls == [(["eval", "--help", "--model", "m.json"],)]


def test_a_bad_log_level_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GRIDVOICE_LOG_LEVEL", "loud")

    assert main(["community", "check", "x.yaml"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_python_dash_m_bot_is_the_same_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.startswith("usage: gridvoice")
