"""Residents who complain one thing after another, as people in Telegram would.

Each resident writes a complaint, presses 对，提交 on the category the bot suggests, waits for the
ticket code (已登记，编号 …) and writes the next one. A text is written once and never again (a
second copy would be a second complaint); a press may be repeated when nothing happens for a while,
which is safe: a press creates a ticket only while a suggested category is waiting.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tests.e2e.test_crash_restart import COMPLAINTS
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.faults.harness import ACK

REPRESS_AFTER = 15.0


def complaint_text(resident: int, number: int) -> str:
    """A complaint unique to the resident and its number (letters, so digits stay free)."""
    tag = "".join(chr(ord("a") + int(d)) for d in f"{resident:04d}{number:02d}")
    return f"{COMPLAINTS[(resident + number) % len(COMPLAINTS)]}（{tag}）"


@dataclass
class Complainer:
    chat: int
    texts: list[str]
    codes: set[str] = field(default_factory=set)
    written: int = 0
    prompt: SentMessage | None = None
    pressed: int = -1
    since: float = 0.0

    @property
    def done(self) -> bool:
        return len(self.codes) >= len(self.texts)


@dataclass
class Driver:
    """Moves every resident along from what the fake Telegram was sent."""

    fake: FakeTelegram
    people: dict[int, Complainer]
    cursor: int = 0

    @classmethod
    def of(cls, fake: FakeTelegram, chats: list[int], per_resident: int) -> Driver:
        people = {
            chat: Complainer(chat, [complaint_text(n, k) for k in range(per_resident)])
            for n, chat in enumerate(chats)
        }
        return cls(fake, people)

    @property
    def acknowledged(self) -> int:
        return sum(len(person.codes) for person in self.people.values())

    @property
    def total(self) -> int:
        return sum(len(person.texts) for person in self.people.values())

    def step(self) -> None:
        """Read what was sent since the last step, then let each resident act on it."""
        with self.fake.state.lock:
            new, self.cursor = self.fake.state.sent[self.cursor :], len(self.fake.state.sent)
        for message in new:
            person = self.people.get(message.chat_id)
            if person is None:
                continue
            person.codes.update(ACK.findall(message.text or ""))
            if has_button(message, "k:yes"):
                person.prompt = message
        now = time.monotonic()
        for person in self.people.values():
            self._act(person, now)

    def _act(self, person: Complainer, now: float) -> None:
        if person.done:
            return
        if len(person.codes) >= person.written:  # the last complaint has its code: next one
            self.fake.inject_text(person.chat, person.texts[person.written])
            person.written += 1
            person.prompt, person.since = None, now
            return
        prompt = person.prompt
        if prompt is None:
            return
        fresh = prompt.seq != person.pressed
        if fresh or now - person.since > REPRESS_AFTER:
            self.fake.inject_callback(person.chat, "k:yes", message_id=prompt.message_id)
            person.pressed, person.since = prompt.seq, now

    def run_until(self, acknowledged: int, timeout: float) -> None:
        """Step until ``acknowledged`` complaints have their code (or the time is up)."""
        deadline = time.monotonic() + timeout
        while self.acknowledged < acknowledged and time.monotonic() < deadline:
            self.step()
            time.sleep(0.02)


def has_button(message: SentMessage, data: str) -> bool:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return any(button.get("callback_data") == data for row in rows for button in row)
