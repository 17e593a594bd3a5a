"""Updates a test injects as if people did things in Telegram; each call returns the update_id.

A user's private chat has the user's id. Users read like residents (`居民<id>`, language
zh-hans) unless `set_user` says otherwise.
"""

from typing import Any

from . import updates as build
from .faults import Faults
from .state import TelegramState

JSON = dict[str, Any]

SAMPLE_JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 32 + b"\xff\xd9"


class Injector:
    """Mixed into FakeTelegram: it supplies `state` and `faults`."""

    state: TelegramState
    faults: Faults

    def set_user(self, user_id: int, first_name: str, **fields: Any) -> None:
        """Name a user (and give last_name, username, language_code, …) before they write."""
        with self.state.lock:
            self.state.users[user_id] = build.user(user_id, first_name=first_name) | fields

    def inject_raw(self, update: JSON) -> int:
        """Queue an update as given; an update_id is assigned if it has none."""
        return self.state.push(update)

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again with the same id, even past the client's offset (once)."""
        self.state.redeliver(update_id)

    def inject_text(self, user_id: int, text: str) -> int:
        return self._from_user(user_id, text=text, entities=build.command_entities(text) or None)

    def inject_command(self, user_id: int, command: str, args: str = "") -> int:
        """`/start` and the like, with the bot_command entity Telegram adds."""
        return self.inject_text(user_id, f"{command} {args}".strip())

    def inject_callback(self, user_id: int, data: str, message_id: int | None = None) -> int:
        """A button press on the bot's message (by default its latest one with a keyboard)."""
        state = self.state
        query_id = f"cbq-{state.serial()}"
        with state.lock:
            state.callback_ids.add(query_id)
        if message_id is None:
            message = self._latest(user_id, state.bot["id"], with_keyboard=True)
        else:
            known = state.messages.get((user_id, message_id))
            message = known or build.message(
                message_id, state.now(), state.chat(user_id), state.bot
            )
        query: JSON = {
            "id": query_id,
            "from": state.user(user_id),
            "chat_instance": f"ci-{user_id}",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return state.push({"callback_query": query})

    def inject_photo(
        self, user_id: int, caption: str | None = None, content: bytes = SAMPLE_JPEG
    ) -> int:
        """A photo in three sizes; the largest is `content`, smaller ones are its prefixes."""
        sizes = [len(content) // 16, len(content) // 4, len(content)]
        photo = build.photo_sizes(self.state.serial(), sizes)
        for size in photo:
            data = content[: size["file_size"]]
            self.state.keep_file(size["file_id"], size["file_unique_id"], data, "photo")
        return self._from_user(user_id, photo=photo, caption=caption)

    def inject_location(self, user_id: int, lat: float, lon: float) -> int:
        return self._from_user(user_id, location={"latitude": lat, "longitude": lon})

    def inject_contact(self, user_id: int, phone: str) -> int:
        """The user shares their own contact (the request_contact button)."""
        return self._from_user(user_id, contact=build.contact(phone, self.state.user(user_id)))

    def inject_sticker(self, user_id: int) -> int:
        stored = self.state.add_file(b"RIFF-webp-sticker", "sticker", mime_type="image/webp")
        sticker = build.sticker(stored.file_id, stored.file_unique_id, len(stored.content))
        return self._from_user(user_id, sticker=sticker)

    def inject_voice(self, user_id: int, duration: int = 3) -> int:
        stored = self.state.add_file(b"OggS" + bytes(600), "voice", mime_type="audio/ogg")
        voice = build.voice(stored.file_id, stored.file_unique_id, len(stored.content), duration)
        return self._from_user(user_id, voice=voice)

    def inject_edited_message(self, user_id: int, text: str, message_id: int | None = None) -> int:
        """The user edits a message of theirs (by default their latest one)."""
        state = self.state
        if message_id is None:
            original = self._latest(user_id, user_id)
        else:
            original = state.messages.get((user_id, message_id))
        if original is None:
            chat, person = state.chat(user_id), state.user(user_id)
            original = build.message(
                message_id or state.new_message_id(), state.now(), chat, person
            )
        edited = original | {"text": text, "edit_date": state.now()}
        edited.pop("entities", None)
        state.remember(edited)
        return state.push({"edited_message": edited})

    def inject_group_message(
        self, chat_id: int, user_id: int, text: str, title: str = "网格群"
    ) -> int:
        chat = build.group_chat(chat_id, title, supergroup=chat_id <= -1_000_000_000_000)
        entities = build.command_entities(text) or None
        message = self._message(chat, self.state.user(user_id), text=text, entities=entities)
        return self.state.push({"message": message})

    def inject_channel_post(self, chat_id: int, text: str, title: str = "社区通知") -> int:
        chat = build.channel_chat(chat_id, title)
        message = self._message(chat, None, text=text, sender_chat=chat)
        return self.state.push({"channel_post": message})

    def inject_my_chat_member(
        self,
        user_id: int,
        status: str = "kicked",
        old_status: str = "member",
        chat_id: int | None = None,
    ) -> int:
        """The bot's membership changes; in a private chat "kicked" means the user blocked the bot,
        and from then on sends to them fail with 403 (until a new "member" update)."""
        state = self.state
        chat = state.chat(chat_id if chat_id is not None else user_id)
        if chat["type"] == "private":
            chat = build.private_chat(state.user(user_id))
            if status == "kicked":
                self.faults.block_chat(user_id)
            elif status == "member":
                self.faults.unblock_chat(user_id)
        change = {
            "chat": chat,
            "from": state.user(user_id),
            "date": state.now(),
            "old_chat_member": build.chat_member(old_status, state.bot),
            "new_chat_member": build.chat_member(status, state.bot),
        }
        return state.push({"my_chat_member": change})

    def _from_user(self, user_id: int, **content: Any) -> int:
        person = self.state.user(user_id)
        message = self._message(build.private_chat(person), person, **content)
        return self.state.push({"message": message})

    def _message(self, chat: JSON, sender: JSON | None, **content: Any) -> JSON:
        state = self.state
        return state.remember(
            build.message(state.new_message_id(), state.now(), chat, sender, **content)
        )

    def _latest(self, chat_id: int, sender_id: int, *, with_keyboard: bool = False) -> JSON | None:
        """The latest message in the chat from the sender (with an inline keyboard, if asked)."""
        with self.state.lock:
            messages = list(self.state.messages.items())
        for (chat, _), message in reversed(messages):
            mine = chat == chat_id and message.get("from", {}).get("id") == sender_id
            if mine and (not with_keyboard or "reply_markup" in message):
                return message
        return None
