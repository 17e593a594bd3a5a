"""The ``gridvoice`` command line (also ``python -m bot``).

Settings are read and logging is configured once, here. Expected problems (an out-of-date
schema, a bad community file, an unreachable database) print ``error: ...`` and exit 2;
a negative answer (schema not current, problems found, unknown member) exits 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from bot import cli_admin, cli_committee, cli_export, cli_open311, cli_privacy, cli_reminders
from bot.community import CommunityConfigError
from bot.invites import STAFF_ROLES
from bot.lazy_import import MissingPackage, load_entry
from bot.settings import Settings
from bot.startup import SchemaError

log = logging.getLogger(__name__)
EXIT_ERROR = 2
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NO_TOKEN_HELP = """\
No Telegram token is set (TELEGRAM_BOT_TOKEN), so GridVoice starts in the console instead.
To run on Telegram: talk to @BotFather in Telegram, send /newbot, then
    export TELEGRAM_BOT_TOKEN=<the token BotFather gives you>
and run `gridvoice run` again."""

Handler = Callable[[argparse.Namespace, Settings], int]


class LogLevelError(ValueError):
    """GRIDVOICE_LOG_LEVEL is not a logging level."""


EXPECTED_ERRORS = (CommunityConfigError, MissingPackage, OperationalError, SchemaError)
"""Errors of the environment, reported in one line each without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each command sets ``handler``."""
    parser = argparse.ArgumentParser(prog="gridvoice", description="GridVoice community bot.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="database schema").add_subparsers(required=True)
    upgrade = db.add_parser("upgrade", help="migrate to the newest schema")
    upgrade.set_defaults(handler=cli_admin.db_upgrade)
    status = db.add_parser("status", help="missing, outdated or current (exit 1 unless current)")
    status.set_defaults(handler=cli_admin.db_status)

    community = commands.add_parser("community", help="the community file").add_subparsers(
        required=True
    )
    check = community.add_parser("check", help="list the problems of a community file")
    check.add_argument("file")
    check.set_defaults(handler=cli_admin.community_check)
    load = community.add_parser("load", help="apply a community file to the database")
    load.add_argument("file")
    load.set_defaults(handler=cli_admin.community_load)

    staff = commands.add_parser("staff", help="staff members").add_subparsers(required=True)
    invite = staff.add_parser("invite", help="a one-time code that links a chat to a member")
    invite.add_argument("--member", help="an existing staff member, by name")
    invite.add_argument("--name", help="a new staff member's name (with --role, --grid)")
    invite.add_argument("--role", choices=STAFF_ROLES)
    invite.add_argument("--grid", help="grid code, e.g. G01 (grid members only)")
    invite.add_argument("--json", action="store_true", help="print code, member, expires_at")
    invite.set_defaults(handler=cli_admin.staff_invite)

    run = commands.add_parser("run", help="run the bot (the console when no token is set)")
    run.add_argument("--framework", choices=["ptb", "aiogram"], default="ptb")
    run.add_argument(
        "--webhook-url", help="public HTTPS URL for webhook mode (default: long polling)"
    )
    run.add_argument(
        "--listen", help="HOST:PORT the webhook server listens on (default 0.0.0.0:8443)"
    )
    run.set_defaults(handler=run_bot)
    commands.add_parser("console", help="talk to the bot in this terminal").set_defaults(
        handler=lambda _args, settings: _channel("bot.channels.console", "console", settings)
    )
    commands.add_parser("demo", help="a scripted demonstration").set_defaults(
        handler=lambda _args, settings: _channel("bot.demo", "demo", settings)
    )
    commands.add_parser("nlp", help="classify | eval | train (see `gridvoice nlp --help`)")
    for feature in (cli_reminders, cli_committee, cli_export, cli_open311, cli_privacy):
        feature.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args: argparse.Namespace | None = None
    if args_list[:1] != ["nlp"]:
        try:
            args = parser.parse_args(args_list)
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
    try:
        settings = Settings()
        configure_logging(settings.log_level)
    except (ValidationError, LogLevelError) as exc:
        print(*(f"error: {line}" for line in error_lines(exc)), sep="\n", file=sys.stderr)
        return EXIT_ERROR
    try:
        if args is None:
            return _nlp(args_list[1:])
        handler: Handler = args.handler
        return handler(args, settings)
    except KeyboardInterrupt:
        return 130
    except EXPECTED_ERRORS as exc:
        log.debug("command failed", exc_info=True)
        for line in error_lines(exc):
            print(f"error: {line}", file=sys.stderr)
        return EXIT_ERROR


def error_lines(exc: BaseException) -> list[str]:
    """An expected error as short lines, without a traceback."""
    if isinstance(exc, CommunityConfigError):
        return exc.problems
    if isinstance(exc, ValidationError):
        return [
            f"setting {'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors(include_url=False)
        ]
    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return [f"database unavailable: {reason}"]
    return [str(exc)]


def configure_logging(level: str) -> None:
    """Log to stderr at ``level``; a no-op for handlers if logging is already configured."""
    levels = logging.getLevelNamesMapping()
    if level.upper() not in levels:
        raise LogLevelError(
            f"GRIDVOICE_LOG_LEVEL={level!r} is not a level (DEBUG, INFO, WARNING, ERROR)"
        )
    logging.basicConfig(level=levels[level.upper()], format=LOG_FORMAT, stream=sys.stderr)
    quiet = max(levels[level.upper()], logging.WARNING)
    logging.getLogger("httpx").setLevel(quiet)  # one INFO line per Bot API call
    logging.getLogger("alembic").setLevel(quiet)  # "Context impl ..." on every connection


def _channel(module: str, what: str, settings: Settings) -> int:
    entry = load_entry(module)
    if entry is None:
        print(f"error: the {what} is not installed yet ({module})", file=sys.stderr)
        return EXIT_ERROR
    return int(entry(settings))


def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    """Run on Telegram with the chosen framework, or in the console without a token."""
    if settings.telegram_bot_token is None:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return _channel("bot.channels.console", "console", settings)
    overrides = {"webhook_url": args.webhook_url, "webhook_listen": args.listen}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v})
    runner = load_entry("bot.channels.telegram_runner")
    if runner is None:
        print("error: the Telegram channels are not installed yet", file=sys.stderr)
        return EXIT_ERROR
    return int(runner(settings, args.framework))


def _nlp(argv: list[str]) -> int:
    entry = load_entry("nlp.__main__")
    assert entry is not None, "nlp is part of this package"
    return int(entry(argv))
