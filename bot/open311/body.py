"""The posted body of a new service request: read (form or JSON), bounded, validated."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import ValidationError

from bot.open311.errors import Open311Problem
from bot.open311.schemas import NewServiceRequest

MAX_BODY_BYTES = 64 * 1024


def non_null(field: dict[str, Any]) -> dict[str, Any]:
    """A field's schema without its ``null`` branch or default (forms and queries send none)."""
    branches = [b for b in field.get("anyOf", []) if b.get("type") != "null"]
    plain = {k: v for k, v in field.items() if k not in ("anyOf", "default")}
    if len(branches) > 1:
        return {**plain, "anyOf": branches}
    return {**plain, **(branches[0] if branches else {})}


def form_schema() -> dict[str, Any]:
    """The body of ``POST requests.json``."""
    schema = NewServiceRequest.model_json_schema()
    schema["dependentRequired"] = {"lat": ["long"], "long": ["lat"]}
    schema["properties"] = {k: non_null(v) for k, v in schema["properties"].items()}
    return schema


async def read_fields(request: Request) -> dict[str, Any]:
    """The posted fields, form-encoded or JSON; ``api_key`` may also come in the query."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Open311Problem(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    data: Any
    try:
        if kind == "application/json":
            data = json.loads(body or b"{}")
        elif kind in ("application/x-www-form-urlencoded", ""):
            data = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        else:
            raise Open311Problem(415, "send the fields form-encoded or as JSON")
    except (UnicodeDecodeError, ValueError):
        raise Open311Problem(400, "the body is not valid UTF-8 form data or JSON") from None
    if not isinstance(data, dict):
        raise Open311Problem(400, "the JSON body must be an object")
    data.setdefault("api_key", request.query_params.get("api_key"))
    return {key: value for key, value in data.items() if value not in ("", None)}


def parse_new_request(fields: dict[str, Any]) -> NewServiceRequest:
    """Validate the posted fields; the first problem becomes a 400."""
    try:
        return NewServiceRequest.model_validate(fields)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise Open311Problem(400, f"{where}: {first['msg']}") from None
