"""``gridvoice apikey create | revoke | list`` and ``gridvoice api``: the Open311 API."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime

from bot.bootstrap import build
from bot.settings import Settings
from storage.repositories import apikeys
from storage.unit_of_work import UnitOfWork, run_in_transaction

DEFAULT_LISTEN = "127.0.0.1:8080"
_NAME = re.compile(r"^[\w.-]{1,40}$")
_LISTEN = re.compile(r"^(?P<host>[^:]+|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})$")


def key_name(text: str) -> str:
    """A key's name: letters, digits, ``_``, ``.``, ``-`` (it is shown as ``open311:NAME``)."""
    if _NAME.match(text) is None:
        raise argparse.ArgumentTypeError(f"use letters, digits, _ . - (at most 40): {text!r}")
    return text


def listen_address(text: str) -> tuple[str, int]:
    """``HOST:PORT``."""
    match = _LISTEN.match(text.strip())
    if match is None or not 0 < int(match.group("port")) < 65536:
        raise argparse.ArgumentTypeError(f"not HOST:PORT: {text!r}")
    return match.group("host").strip("[]"), int(match.group("port"))


def apikey_create(args: argparse.Namespace, settings: Settings) -> int:
    """Create a key and print it (only its sha256 is stored: it cannot be shown again)."""
    app = build(settings)
    now = datetime.now(UTC)
    try:

        def create(uow: UnitOfWork) -> str:
            return apikeys.create_api_key(uow.session, name=args.name, now=now)[1]

        key = run_in_transaction(app.uow_factory, create)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        app.database.dispose()
    print(key)
    print(f"API key {args.name!r} created; store it now, it is not shown again", file=sys.stderr)
    return 0


def apikey_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """Revoke a key by name; exit 1 if there is none."""
    app = build(settings)
    now = datetime.now(UTC)
    try:
        row = run_in_transaction(
            app.uow_factory,
            lambda uow: apikeys.revoke_api_key(uow.session, name=args.name, now=now),
        )
    finally:
        app.database.dispose()
    if row is None:
        print(f"error: no API key named {args.name!r}", file=sys.stderr)
        return 1
    print(f"revoked {args.name}")
    return 0


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="minutes") if moment else "-"


def apikey_list(_args: argparse.Namespace, settings: Settings) -> int:
    """Every key: name, created, last used, revoked."""
    app = build(settings)
    try:
        with app.uow_factory() as uow:
            lines = [
                f"{row.name}\t{'revoked ' + _when(row.revoked_at) if row.revoked_at else 'active'}"
                f"\tcreated {_when(row.created_at)}\tused {_when(row.last_used_at)}"
                for row in apikeys.all_api_keys(uow.session)
            ]
    finally:
        app.database.dispose()
    print("\n".join(lines) or "no API keys")
    return 0


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the Open311 API and /health with uvicorn until interrupted."""
    import uvicorn

    from bot.open311.app import create_app

    host, port = args.listen
    app = build(settings)
    try:
        uvicorn.run(
            create_app(app.uow_factory, app.services), host=host, port=port, log_config=None
        )
    finally:
        app.database.dispose()
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``apikey create | revoke | list`` and ``api``."""
    keys = commands.add_parser("apikey", help="keys of the Open311 API").add_subparsers(
        required=True
    )
    for verb, handler, help_ in (
        ("create", apikey_create, "create a key and print it once"),
        ("revoke", apikey_revoke, "revoke a key"),
    ):
        command = keys.add_parser(verb, help=help_)
        command.add_argument("name", type=key_name, help="who the key is for, e.g. chengguan")
        command.set_defaults(handler=handler)
    keys.add_parser("list", help="list the keys").set_defaults(handler=apikey_list)
    api = commands.add_parser("api", help="serve the Open311 GeoReport v2 API and /health")
    api.add_argument(
        "--listen",
        type=listen_address,
        default=listen_address(DEFAULT_LISTEN),
        help=f"HOST:PORT (default {DEFAULT_LISTEN})",
    )
    api.set_defaults(handler=serve)
