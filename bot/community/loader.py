"""Load and check a community file; every problem is reported as ``field.path: what is wrong``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.community.common import ConfigProblems
from bot.community.schema import Community

SAMPLE_FILE = "sample_community.yaml"
_MESSAGES = {
    "missing": "required but missing",
    "extra_forbidden": "unknown setting (check the spelling)",
}


class CommunityConfigError(ValueError):
    """The community file cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid community file:\n" + "\n".join(problems))
        self.problems = problems


def sample_path() -> Path:
    """Where the shipped sample community file is."""
    return Path(str(resources.files(__package__).joinpath(SAMPLE_FILE)))


def load_community(path: Path | None = None) -> Community:
    """Load the community file at ``path`` (None: the shipped sample).

    Raises :class:`CommunityConfigError` listing every problem.
    """
    if path is None:
        text = resources.files(__package__).joinpath(SAMPLE_FILE).read_text(encoding="utf-8")
        return parse_community(text, source=SAMPLE_FILE)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommunityConfigError([f"{path}: file not found"]) from None
    except UnicodeDecodeError:
        raise CommunityConfigError([f"{path}: not UTF-8 text"]) from None
    except OSError as exc:
        raise CommunityConfigError([f"{path}: cannot read ({exc.strerror})"]) from None
    return parse_community(text, source=str(path))


def check_community(path: Path | None = None) -> list[str]:
    """Human-readable problems of the community file at ``path``; empty if it is fine."""
    try:
        load_community(path)
    except CommunityConfigError as exc:
        return exc.problems
    return []


def parse_community(text: str, *, source: str = "<community>") -> Community:
    """Build a community from YAML text; ``source`` names it in syntax errors."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        raise CommunityConfigError([_syntax_error(source, exc)]) from None
    except yaml.YAMLError as exc:
        raise CommunityConfigError([f"{source}: YAML syntax error: {exc}"]) from None
    if not isinstance(data, dict):
        raise CommunityConfigError([f"{source}: expected settings (name, code, grids, staff …)"])
    try:
        return Community.model_validate(data)
    except ValidationError as exc:
        raise CommunityConfigError(_problems(exc)) from None


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys instead of silently keeping the last one."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            problem = f"duplicate key {key!r}"
            raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _syntax_error(source: str, exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"{source}: YAML syntax error{where}: {exc.problem or exc.context}"


def _problems(error: ValidationError) -> list[str]:
    """One line per problem, ``path: message``, expanding grouped :class:`ConfigProblems`."""
    lines = []
    for detail in error.errors(include_url=False):
        cause = detail.get("ctx", {}).get("error")
        if isinstance(cause, ConfigProblems):
            lines += [f"{_path(detail['loc'], rel)}: {msg}" for rel, msg in cause.problems]
        else:
            lines.append(f"{_path(detail['loc'], '')}: {_message(detail)}")
    return lines


def _path(loc: tuple[int | str, ...], relative: str) -> str:
    """``('staff', 3, 'grid')`` → ``staff[3].grid``; ``relative`` is appended the same way."""
    path = ""
    for part in loc:
        if part == "[key]":
            continue
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    if relative:
        path += relative if relative.startswith("[") or not path else f".{relative}"
    return path or "(top level)"


def _message(detail: ErrorDetails) -> str:
    if detail["type"] in _MESSAGES:
        return _MESSAGES[detail["type"]]
    cause = detail.get("ctx", {}).get("error")
    message = str(cause) if cause is not None else detail["msg"]
    value = detail.get("input")
    if isinstance(value, str | int | float) and repr(value) not in message:
        message += f" (got {value!r})"
    return message
