"""Dependencies point one way: nlp and storage know nothing of bot; only channels know Telegram."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TELEGRAM = {"telegram", "aiogram"}


def modules(package: str) -> list[Path]:
    """Every Python file of a top-level package, migrations included."""
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no modules found in {package}/"
    return files


def imported(path: Path) -> Iterator[str]:
    """Absolute names a module imports: statements, and literal `import_module("...")` calls."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def violations(package: str, forbidden: set[str], *, skip: str | None = None) -> list[str]:
    found = []
    for path in modules(package):
        relative = path.relative_to(ROOT)
        if skip is not None and relative.is_relative_to(skip):
            continue
        found += [f"{relative}: {name}" for name in imported(path)
                  if name.partition(".")[0] in forbidden]  # fmt: skip
    return found


@pytest.mark.parametrize("package", ["nlp", "storage"])
def test_nlp_and_storage_import_nothing_from_bot_or_telegram(package: str) -> None:
    assert violations(package, {"bot"} | TELEGRAM) == []


def test_only_the_channels_import_telegram_libraries() -> None:
    assert violations("bot", TELEGRAM, skip="bot/channels") == []


def test_nlp_imports_nothing_from_storage() -> None:
    assert violations("nlp", {"storage"}) == []


def test_the_checker_sees_lazy_and_nested_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import importlib\n"
        "def f():\n"
        "    from telegram.ext import Application\n"
        "    return importlib.import_module('aiogram')\n"
    )
    assert set(imported(module)) == {"importlib", "telegram.ext", "aiogram"}
