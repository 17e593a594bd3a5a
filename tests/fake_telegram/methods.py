"""Bot API methods that answer from the state alone, with Telegram's own error descriptions.

Each handler takes the state, the recorded call (its params already typed) and returns the
`result`, or raises ApiError. The table at the bottom maps method names to handlers; getUpdates and
the webhook methods live in the server, as they wait and deliver.
"""

import json
import re
from collections.abc import Callable
from typing import Any

from . import updates as build
from .faults import ApiError
from .state import Call, CallbackAnswer, Edit, SentMessage, StoredFile, TelegramState, Upload

JSON = dict[str, Any]
Handler = Callable[[TelegramState, Call], Any]

COMMAND = re.compile(r"[a-z0-9_]{1,32}")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def chat_id_of(params: JSON) -> int:
    chat_id = params.get("chat_id")
    if chat_id in (None, ""):
        raise bad_request("chat_id is empty")
    if not isinstance(chat_id, int):
        raise bad_request("chat not found")
    return chat_id


def checked_markup(params: JSON) -> JSON | None:
    """The reply_markup, refused as Telegram refuses it: callback_data over 64 UTF-8 bytes."""
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if len(button.get("callback_data", "").encode()) > 64:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


def inline_only(markup: JSON | None) -> JSON | None:
    """Messages carry only inline keyboards; reply keyboards are not echoed back."""
    return markup if markup and "inline_keyboard" in markup else None


def get_me(state: TelegramState, call: Call) -> JSON:
    features = ("can_join_groups", "can_read_all_group_messages", "supports_inline_queries")
    return state.bot | {feature: feature == "can_join_groups" for feature in features}


def send(
    state: TelegramState, call: Call, *, upload: StoredFile | None = None, **content: Any
) -> JSON:
    """Build, keep and record the bot's message to the call's chat (with the file it carries)."""
    params = call.params
    chat_id = chat_id_of(params)
    markup = checked_markup(params)
    caption = params.get("caption")
    if caption is not None and len(caption) > 1024:
        raise bad_request("message caption is too long")
    quoted = params.get("reply_parameters") or {}
    reply_to = params.get("reply_to_message_id") or quoted.get("message_id")
    with state.lock:
        replied = state.messages.get((chat_id, reply_to)) if reply_to else None
    message = build.message(
        state.new_message_id(),
        state.now(),
        state.chat(chat_id),
        state.bot,
        caption=caption,
        reply_markup=inline_only(markup),
        reply_to_message=replied,
        **content,
    )
    state.remember(message)
    sent = SentMessage(
        seq=call.seq,
        method=call.method,
        chat_id=chat_id,
        message_id=message["message_id"],
        text=content.get("text"),
        caption=caption,
        reply_markup=markup,
        parse_mode=params.get("parse_mode"),
        time=call.time,
        message=message,
        file_name=upload.file_name if upload else None,
        file_size=len(upload.content) if upload else None,
    )
    with state.lock:
        state.sent.append(sent)
    return message


def send_message(state: TelegramState, call: Call) -> JSON:
    text = call.params.get("text") or ""
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > 4096:
        raise bad_request("message is too long")
    return send(state, call, text=text)


def upload_of(state: TelegramState, value: Any, kind: str) -> StoredFile:
    """A file sent by upload, or by the file_id of a file Telegram already has."""
    if isinstance(value, Upload):
        return state.add_file(
            value.data, kind, file_name=value.filename, mime_type=value.content_type
        )
    if isinstance(value, str) and value in state.files:
        return state.files[value]
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return state.add_file(b"", kind, file_name=value.rsplit("/", 1)[-1])
    raise bad_request("wrong file identifier/HTTP URL specified")


def send_photo(state: TelegramState, call: Call) -> JSON:
    original = upload_of(state, call.params.get("photo"), "photo")
    size = len(original.content)
    sizes = build.photo_sizes(state.serial(), [size // 16, size // 4, size])
    for photo in sizes:
        state.keep_file(photo["file_id"], photo["file_unique_id"], original.content, "photo")
    return send(state, call, upload=original, photo=sizes)


def send_document(state: TelegramState, call: Call) -> JSON:
    stored = upload_of(state, call.params.get("document"), "document")
    doc = build.document(
        stored.file_id,
        stored.file_unique_id,
        len(stored.content),
        stored.file_name or "file",
        stored.mime_type or "application/octet-stream",
    )
    return send(state, call, upload=stored, document=doc)


def own_message(state: TelegramState, params: JSON) -> JSON:
    key = (chat_id_of(params), params.get("message_id"))
    with state.lock:
        message = state.messages.get(key)  # type: ignore[arg-type]
    if message is None:
        raise bad_request("message to edit not found")
    if message.get("from", {}).get("id") != state.bot["id"]:
        raise bad_request("message can't be edited")
    return message


def edit(state: TelegramState, call: Call, text: str | None) -> JSON | bool:
    """Change text and keyboard; a keyboard left out is removed, as Telegram does."""
    if call.params.get("inline_message_id"):
        return True
    message = own_message(state, call.params)
    markup = checked_markup(call.params)
    changed = {"text": text if text is not None else message.get("text")}
    changed["reply_markup"] = inline_only(markup)
    if all(message.get(key) == value for key, value in changed.items()):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    updated = {key: value for key, value in message.items() if key != "reply_markup"}
    updated.update({key: value for key, value in changed.items() if value is not None})
    updated["edit_date"] = state.now()
    state.remember(updated)
    record = Edit(
        seq=call.seq,
        method=call.method,
        chat_id=message["chat"]["id"],
        message_id=message["message_id"],
        text=updated.get("text"),
        reply_markup=markup,
        time=call.time,
    )
    with state.lock:
        state.edits.append(record)
    return updated


def edit_message_text(state: TelegramState, call: Call) -> JSON | bool:
    text = call.params.get("text") or ""
    if not text.strip():
        raise bad_request("message text is empty")
    return edit(state, call, text)


def edit_message_reply_markup(state: TelegramState, call: Call) -> JSON | bool:
    return edit(state, call, None)


def delete_message(state: TelegramState, call: Call) -> bool:
    key = (chat_id_of(call.params), call.params.get("message_id"))
    with state.lock:
        if state.messages.pop(key, None) is None:  # type: ignore[arg-type]
            raise bad_request("message to delete not found")
    return True


def answer_callback_query(state: TelegramState, call: Call) -> bool:
    query_id = str(call.params.get("callback_query_id", ""))
    if query_id not in state.callback_ids:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    answer = CallbackAnswer(
        call.seq, query_id, call.params.get("text"), bool(call.params.get("show_alert")), call.time
    )
    with state.lock:
        state.callback_answers.append(answer)
    return True


def get_file(state: TelegramState, call: Call) -> JSON:
    stored = state.files.get(str(call.params.get("file_id")))
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


def commands_key(params: JSON) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.get("language_code") or ""


def set_my_commands(state: TelegramState, call: Call) -> bool:
    commands = call.params.get("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(command.get("description", "")) <= 256:
            raise bad_request("command description must be non-empty")
    with state.lock:
        state.commands[commands_key(call.params)] = [dict(command) for command in commands]
    return True


def get_my_commands(state: TelegramState, call: Call) -> list[JSON]:
    with state.lock:
        return state.commands.get(commands_key(call.params), [])


def delete_my_commands(state: TelegramState, call: Call) -> bool:
    with state.lock:
        state.commands.pop(commands_key(call.params), None)
    return True


def send_chat_action(state: TelegramState, call: Call) -> bool:
    chat_id_of(call.params)
    if call.params.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def get_webhook_info(state: TelegramState, call: Call) -> JSON:
    with state.lock:
        info: JSON = {"url": "", "has_custom_certificate": False}
        info["pending_update_count"] = len(state.pending)
        if state.webhook is not None:
            info["url"] = state.webhook.url
            info["max_connections"] = state.webhook.max_connections
            if state.webhook.allowed_updates:
                info["allowed_updates"] = state.webhook.allowed_updates
        failed = [d for d in state.deliveries if d.status is None or d.status >= 300]
        if failed:
            info["last_error_date"] = state.now()
            info["last_error_message"] = failed[-1].error or f"Wrong response: {failed[-1].status}"
    return info


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "getFile": get_file,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "sendChatAction": send_chat_action,
    "getWebhookInfo": get_webhook_info,
    "close": lambda state, call: True,
    "logOut": lambda state, call: True,
}
