"""The console channel: chat with the bot in a terminal as any person.

Lines are messages. ``/as resident 1001`` or ``/as staff NAME`` switches who is typing (staff are
bound to a console chat automatically), ``/press N`` presses the N-th button of the last message
this person received, ``/location LAT LON`` shares a location, ``/photo CAPTION`` sends a photo,
``/quit`` ends. Every delivered message is printed with its recipient; a photo or document as
``[图片 report.png, 153 KB → /tmp/gridvoice-console/report.png]`` (saved there).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlmodel import select

from bot.bootstrap import App, build
from bot.dialogue.events import Action, Answer, Edit, Incoming, Kind, Send
from bot.settings import Settings
from storage import repositories as repo
from storage.enums import OutboxKind
from storage.models import StaffMember

STAFF_CHAT_BASE = 900_000_000
CHANNEL = "console"
FILES_DIR = Path(tempfile.gettempdir()) / "gridvoice-console"
"""Where ``gridvoice console`` saves the photos and documents the bot sends."""


@dataclass
class Console:
    """Who is typing, and the buttons each chat last received."""

    app: App
    out: TextIO
    chat_id: int = 1001
    who: str = "居民 1001"
    buttons: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    files_dir: Path | None = None
    """Where photos and documents sent to anyone are saved (only shown when None)."""

    def name_of(self, chat_id: int) -> str:
        return self.names.get(chat_id) or (
            f"居民 {chat_id}" if chat_id < STAFF_CHAT_BASE else str(chat_id)
        )

    def deliver(self, actions: Iterable[Action]) -> None:
        """Print every action and mark outbox rows as sent."""
        sent: list[int] = []
        for action in actions:
            if isinstance(action, Answer):
                if action.text:
                    self.out.write(f"  ({action.text})\n")
            elif isinstance(action, Edit):
                self.out.write(f"  (消息已更新：{action.text})\n")
            elif isinstance(action, Send):
                self._print(action)
                if action.outbox_id is not None:
                    sent.append(action.outbox_id)
        if sent:
            with self.app.uow_factory() as uow:
                for message_id in sent:
                    repo.mark_sent(
                        uow.session, message_id=message_id, now=self.app.services.clock()
                    )
                uow.commit()

    def _print(self, action: Send) -> None:
        attached = "" if action.attachment is None else self._keep(action) + " "
        self.out.write(f"→ [{self.name_of(action.chat_id)}] {attached}{action.text}\n")
        if action.buttons:
            flat = [
                (b["text"], b["data"], str(action.outbox_id)) for row in action.buttons for b in row
            ]
            self.buttons[action.chat_id] = flat
            self.out.write("   " + "  ".join(f"[{i}] {b[0]}" for i, b in enumerate(flat, 1)) + "\n")

    def _keep(self, action: Send) -> str:
        """``[图片 report.png, 153 KB → PATH]``: the file is saved to ``files_dir``, if set."""
        data, name = action.attachment or b"", Path(action.attachment_name or "file").name
        what = "图片" if action.kind == OutboxKind.PHOTO else "文件"
        where = ""
        if self.files_dir is not None:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path = self.files_dir / name
            path.write_bytes(data)
            where = f" → {path}"
        return f"[{what} {name}, {max(1, round(len(data) / 1024))} KB{where}]"

    def become_staff(self, name: str) -> str | None:
        """Switch to the staff member ``name``, binding them to a console chat if needed."""
        with self.app.uow_factory() as uow:
            members = [m for m in repo.staff_by_name(uow.session, name=name) if m.active]
            if not members:
                return f"没有这个工作人员：{name}"
            member: StaffMember = members[0]
            if member.chat_id is None:
                member.chat_id = STAFF_CHAT_BASE + (member.id or 0)
            chat_id = member.chat_id
            uow.commit()
        self.chat_id, self.who = chat_id, name
        self.names[chat_id] = name
        return None

    def line(self, raw: str) -> bool:
        """Handle one typed line; False to stop."""
        text = raw.rstrip("\n")
        head, _, rest = text.strip().partition(" ")
        if head in ("/quit", "/exit"):
            return False
        event: Incoming | None
        if head == "/as":
            self._switch(rest)
            return True
        if head == "/press":
            event = self._press(rest)
        elif head == "/location":
            parts = rest.split()
            try:
                lat, lon = float(parts[0]), float(parts[1])
            except (IndexError, ValueError):
                self.out.write("  用法：/location 纬度 经度\n")
                return True
            event = Incoming(Kind.LOCATION, self.chat_id, self.chat_id, latitude=lat, longitude=lon)
        elif head == "/photo":
            event = Incoming(
                Kind.PHOTO, self.chat_id, self.chat_id, text=rest, photo_file_id="console-photo"
            )
        elif head == "/sticker":
            event = Incoming(Kind.OTHER, self.chat_id, self.chat_id)
        elif text.startswith("/"):
            event = Incoming(Kind.COMMAND, self.chat_id, self.chat_id, text=text)
        else:
            event = Incoming(Kind.TEXT, self.chat_id, self.chat_id, text=text)
        if event is not None:
            self.out.write(f"[{self.who}] {text}\n")
            self.deliver(self.app.engine.handle(event))
        return True

    def _switch(self, rest: str) -> None:
        kind, _, ident = rest.partition(" ")
        if kind == "resident" and ident.strip().isdigit():
            self.chat_id = int(ident.strip())
            self.who = f"居民 {self.chat_id}"
        elif kind == "staff" and ident.strip():
            problem = self.become_staff(ident.strip())
            if problem:
                self.out.write(f"  {problem}\n")
                return
        else:
            self.out.write("  用法：/as resident 1001 或 /as staff 姓名\n")
            return
        self.out.write(f"--- 现在是 {self.who} ---\n")

    def _press(self, rest: str) -> Incoming | None:
        choices = self.buttons.get(self.chat_id, [])
        if not rest.strip().isdigit() or not 1 <= int(rest) <= len(choices):
            self.out.write("  没有这个按钮。\n")
            return None
        label, data, ref = choices[int(rest) - 1]
        return Incoming(
            Kind.BUTTON, self.chat_id, self.chat_id, text=label, data=data, message_ref=ref
        )


def bind_console_staff(app: App) -> dict[int, str]:
    """Give every staff member without a chat a console chat, so their messages print here."""
    names: dict[int, str] = {}
    with app.uow_factory() as uow:
        for member in uow.session.exec(select(StaffMember).where(StaffMember.active)):
            if member.chat_id is None:
                member.chat_id = STAFF_CHAT_BASE + (member.id or 0)
            names[member.chat_id] = member.name
        uow.commit()
    return names


def run(app: App, lines: Iterable[str], out: TextIO, files_dir: Path | None = None) -> None:
    """Play ``lines`` through the console; files sent are saved to ``files_dir`` when given."""
    console = Console(app, out, names=bind_console_staff(app), files_dir=files_dir)
    for raw in lines:
        if not console.line(raw):
            break


def main(settings: Settings) -> int:
    """``gridvoice console``: talk to the bot in this terminal."""
    app = build(settings, channel=CHANNEL)
    interactive = sys.stdin.isatty()
    if interactive:
        print(
            f"GridVoice 控制台 — {app.community.name}。直接输入消息；/as staff 姓名 切换身份；/quit 退出。"
        )
    run(app, _prompted(sys.stdin, interactive), sys.stdout, FILES_DIR)
    return 0


def _prompted(stream: TextIO, interactive: bool) -> Iterable[str]:
    while True:
        if interactive:
            sys.stdout.write("> ")
            sys.stdout.flush()
        line = stream.readline()
        if not line:
            return
        yield line
