"""Webhook delivery: POST each pending update to the bot, in order, until its receiver takes it.

An update counts as taken on a 2xx answer; otherwise the same update is posted again after
`retry` seconds, as Telegram keeps retrying. A receiver may answer with a method call in its
body (JSON or multipart, as aiogram does); that call is executed like a request.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from .state import Delivery, TelegramState, Upload, Webhook
from .wire import from_form

JSON = dict[str, Any]
Execute = Callable[[str, JSON], Awaitable[object]]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def deliver(
    state: TelegramState,
    session: aiohttp.ClientSession,
    wait: Callable[[float | None], Awaitable[None]],
    execute: Execute,
    retry: float,
) -> None:
    """Run while a webhook is set; `wait(seconds)` returns on any change of the state."""
    while (hook := state.webhook) is not None:
        taken = state.take(1, None)
        if not taken:
            await wait(None)
            continue
        update = taken[0]
        delivery = await post(session, hook, update, execute)
        with state.lock:
            state.deliveries.append(delivery)
        if delivery.status is not None and 200 <= delivery.status < 300:
            state.discard(update["update_id"])
        else:
            await wait(retry)


async def post(
    session: aiohttp.ClientSession, hook: Webhook, update: JSON, execute: Execute
) -> Delivery:
    headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
    try:
        async with session.post(hook.url, json=update, headers=headers) as response:
            reply = await reply_call(response)
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as error:
        return Delivery(
            update["update_id"], None, f"{type(error).__name__}: {error}", time.monotonic()
        )
    if reply is not None and 200 <= status < 300:
        method, params = reply
        await execute(method, params)
    return Delivery(update["update_id"], status, None, time.monotonic())


async def reply_call(response: aiohttp.ClientResponse) -> tuple[str, JSON] | None:
    """A method call the receiver put in its answer's body, if any."""
    if response.content_type == "application/json":
        body = await response.json()
    elif response.content_type == "multipart/form-data":
        body = {}
        reader = aiohttp.MultipartReader.from_response(response)
        async for part in reader:
            if isinstance(part, aiohttp.BodyPartReader) and part.name:
                data = await part.read()
                if part.filename:
                    body[part.name] = Upload(
                        part.filename, part.headers.get("Content-Type", ""), data
                    )
                else:
                    body[part.name] = data.decode()
    else:
        return None
    if not isinstance(body, dict) or "method" not in body:
        return None
    params = dict(body)
    return str(params.pop("method")), from_form(params)
