"""Builders of Bot API objects as Telegram sends them: users, chats, messages, media, members.

Pure functions returning plain dicts; ids and dates are passed in. Field sets follow the Bot API
and are what python-telegram-bot 22 and aiogram 3 need to parse the objects.
"""

from typing import Any

JSON = dict[str, Any]

LANGUAGE = "zh-hans"  # what Telegram clients send for Simplified Chinese
PHOTO_SIZES = ((90, 67), (320, 240), (800, 600))


def user(user_id: int, *, first_name: str | None = None, language_code: str = LANGUAGE) -> JSON:
    """A human user; the default name reads like a resident."""
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name or f"居民{user_id}",
        "language_code": language_code,
    }


def bot_user(bot_id: int, username: str) -> JSON:
    """The bot itself, as getMe returns it and as the sender of its messages."""
    return {"id": bot_id, "is_bot": True, "first_name": "GridVoice Test", "username": username}


def private_chat(person: JSON) -> JSON:
    """The private chat with a user: its id is the user's id."""
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def group_chat(chat_id: int, title: str, *, supergroup: bool = False) -> JSON:
    return {"id": chat_id, "type": "supergroup" if supergroup else "group", "title": title}


def channel_chat(chat_id: int, title: str) -> JSON:
    return {"id": chat_id, "type": "channel", "title": title}


def chat_for(chat_id: int) -> JSON:
    """A chat known only by id: negative ids are groups, positive ones private chats."""
    if chat_id < 0:
        return group_chat(chat_id, f"Group {chat_id}")
    return {"id": chat_id, "type": "private", "first_name": f"居民{chat_id}"}


def message(message_id: int, date: int, chat: JSON, sender: JSON | None, **content: Any) -> JSON:
    """A Message; `content` holds text, photo, reply_markup, … as the API names them."""
    built: JSON = {"message_id": message_id, "date": date, "chat": chat}
    if sender is not None:
        built["from"] = sender
    built.update({key: value for key, value in content.items() if value is not None})
    return built


def command_entities(text: str) -> list[JSON]:
    """The bot_command entity Telegram adds when a message starts with a command."""
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    if not word.startswith("/"):
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(word)}]


def utf16_length(text: str) -> int:
    """Entity offsets and lengths count UTF-16 code units, not characters."""
    return len(text.encode("utf-16-le")) // 2


def file_ids(serial: int, kind: str) -> tuple[str, str]:
    """A (file_id, file_unique_id) pair, unique per serial."""
    return f"{kind}-{serial:06d}-fid", f"{kind}{serial:06d}u"


def photo_sizes(serial: int, sizes: list[int]) -> list[JSON]:
    """PhotoSize objects from smallest to largest; `sizes` are their file sizes in bytes."""
    built = []
    for index, ((width, height), size) in enumerate(zip(PHOTO_SIZES, sizes, strict=True)):
        file_id, unique_id = file_ids(serial * 10 + index, "photo")
        built.append(
            {
                "file_id": file_id,
                "file_unique_id": unique_id,
                "width": width,
                "height": height,
                "file_size": size,
            }
        )
    return built


def sticker(file_id: str, unique_id: str, size: int) -> JSON:
    return {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
        "file_size": size,
    }


def voice(file_id: str, unique_id: str, size: int, duration: int) -> JSON:
    return {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": size,
    }


def document(file_id: str, unique_id: str, size: int, file_name: str, mime_type: str) -> JSON:
    return {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": size,
    }


def contact(phone: str, person: JSON) -> JSON:
    """A contact the user shared: their own, so user_id is set."""
    return {"phone_number": phone, "first_name": person["first_name"], "user_id": person["id"]}


ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


def chat_member(status: str, member: JSON) -> JSON:
    """A ChatMember of one of the simple statuses: member, left, kicked, administrator."""
    if status in ("member", "left"):
        return {"status": status, "user": member}
    if status == "kicked":
        return {"status": status, "user": member, "until_date": 0}
    if status == "administrator":
        rights = {right: right == "can_manage_chat" for right in ADMIN_RIGHTS}
        return {"status": status, "user": member, **rights}
    raise ValueError(f"unsupported chat member status: {status}")
