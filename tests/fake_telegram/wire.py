"""The Bot API's wire format: reading parameters from any of its bodies, writing its answers.

Requests carry parameters in the query string, a JSON body, a urlencoded form or a multipart form.
In forms every value is a string (python-telegram-bot and aiogram JSON-encode objects, numbers and
booleans); this module gives them back their types by parameter name, as Telegram does.
"""

import json
from typing import Any

from aiohttp import web

from .faults import ApiError
from .state import Upload

JSON = dict[str, Any]

JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "media",
    }
)
INT_PARAMS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "max_connections",
    }
)
FLOAT_PARAMS = frozenset({"latitude", "longitude"})
BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
    }
)


async def read_params(request: web.Request) -> JSON:
    """All parameters of a request, typed; uploaded files become Upload values."""
    params: JSON = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return typed(params)
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: JSON object expected")
        return typed(params) | body
    fields: JSON = {}
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            fields[name] = Upload(value.filename, value.content_type, value.file.read())
        else:
            fields[name] = value
    return typed(params) | from_form(fields)


def from_form(fields: JSON) -> JSON:
    """Typed parameters of a form; aiogram names its file parts: photo=attach://<part>."""
    params = dict(fields)
    for name, value in fields.items():
        part = value.removeprefix("attach://") if isinstance(value, str) else None
        if part != value and part in fields:
            params[name] = fields[part]
            params.pop(part, None)
    return typed(params)


def typed(params: JSON) -> JSON:
    return {name: typed_value(name, value) for name, value in params.items()}


def typed_value(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if name in JSON_PARAMS:
            return json.loads(value)
        if name in INT_PARAMS:
            return int(value)
        if name in FLOAT_PARAMS:
            return float(value)
    except ValueError:
        if name in JSON_PARAMS:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
        return value  # e.g. chat_id="@channel": the method decides
    if name in BOOL_PARAMS:
        return value.lower() in ("true", "1")
    return value


def answer(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def refuse(error: ApiError) -> web.Response:
    body: JSON = {"ok": False, "error_code": error.status, "description": error.description}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.status)
