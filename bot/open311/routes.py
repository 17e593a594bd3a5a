"""The GeoReport v2 endpoints (JSON only) under ``/open311/v2``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from bot.open311.errors import Open311Problem
from bot.open311.filters import RequestQuery, parse_query
from bot.open311.mapping import service_by_code, services
from bot.open311.schemas import (
    Discovery,
    Endpoint,
    NewServiceRequest,
    Open311Error,
    Service,
    ServiceDefinition,
    ServiceRequest,
    ServiceRequestCreated,
)
from bot.open311.store import find_requests, submit
from bot.service.context import Services
from nlp import DEFAULT_CODES
from storage.unit_of_work import UnitOfWork, run_in_transaction

PREFIX = "/open311/v2"
CHANGESET = "2025-06-01T00:00:00+08:00"
"""When this API last changed in a way clients may notice."""
MAX_BODY_BYTES = 64 * 1024
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": list[Open311Error], "description": "the request is not valid"},
    404: {"model": list[Open311Error], "description": "no such service or request"},
}
_IDS = "comma-separated ticket codes, e.g. F-000123,F-000124 (all other parameters are ignored)"
_DATE = "a W3C date-time, e.g. 2025-03-01T09:00:00+08:00 (local time if no offset)"
_SERVICE = "(" + "|".join(DEFAULT_CODES) + ")"
_STATUS = "(open|closed)"
_EMPTY = {"type": "string", "maxLength": 0}
_DATE_TIME = {"type": "string", "format": "date-time"}


def _documented(description: str, schema: dict[str, Any] | None = None) -> Any:
    """An optional query parameter (empty means absent) whose ``schema`` is documented but
    checked by our parser, so that a mistake gets a plain message, not a regular expression."""
    return Query(None, description=description, max_length=2000, json_schema_extra=schema)


def error_list(status: int, description: str) -> list[dict[str, Any]]:
    """The Open311 error body."""
    return [{"code": status, "description": description}]


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
    body = await request.body()
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


def open311_router(make_uow: Callable[[], UnitOfWork], app_services: Services) -> APIRouter:
    """The endpoints, reading and writing through ``make_uow``."""
    router = APIRouter(prefix=PREFIX, tags=["open311"], responses=ERRORS)
    community = app_services.community

    def discovery(request: Request) -> Discovery:
        """Where the API is and how to get a key."""
        url = str(request.base_url).rstrip("/") + PREFIX
        return Discovery(
            changeset=CHANGESET,
            contact=f"{community.name} residents' committee (居委会)",
            key_service="API keys are issued by the committee: gridvoice apikey create NAME",
            endpoints=[Endpoint(url=url, changeset=CHANGESET)],
        )

    router.add_api_route("/discovery.json", discovery, methods=["GET"])
    router.add_api_route("/discovery", discovery, methods=["GET"], include_in_schema=False)

    @router.get("/services.json")
    def list_services() -> list[Service]:
        """Every kind of problem that can be reported (the GridVoice categories)."""
        return list(services())

    @router.get("/services/{service_code}.json")
    def service_definition(service_code: str) -> ServiceDefinition:
        """A service's extra attributes (none: every service takes a description only)."""
        if service_by_code(service_code) is None:
            raise Open311Problem(404, f"no service {service_code!r}")
        return ServiceDefinition(service_code=service_code)

    @router.get("/requests.json")
    def list_requests(
        service_request_id: str | None = _documented(_IDS),
        service_code: str | None = _documented(
            "a category, or several with commas", {"pattern": f"^(|{_SERVICE}(,{_SERVICE})*)$"}
        ),
        start_date: str | None = _documented(_DATE, {"anyOf": [_DATE_TIME, _EMPTY]}),
        end_date: str | None = _documented(_DATE, {"anyOf": [_DATE_TIME, _EMPTY]}),
        status: str | None = _documented(
            "open, closed, or open,closed", {"pattern": f"^(|{_STATUS}(,{_STATUS})?)$"}
        ),
    ) -> list[ServiceRequest]:
        """Requests, newest first (at most 1000; the last 90 days unless dates or ids are given)."""
        query = parse_query(
            service_request_id=service_request_id,
            service_code=service_code,
            start_date=start_date,
            end_date=end_date,
            status=status,
            now=app_services.clock(),
            zone=community.zone,
        )
        with make_uow() as uow:
            return find_requests(uow.session, query, app_services)

    @router.get("/requests/{service_request_id}.json")
    def get_request(service_request_id: str) -> list[ServiceRequest]:
        """One request by its ticket code (a list of one, as the specification says)."""
        query = RequestQuery(codes=(service_request_id.strip().upper(),))
        with make_uow() as uow:
            found = find_requests(uow.session, query, app_services)
        if not found:
            raise Open311Problem(404, f"no service request {service_request_id!r}")
        return found

    @router.post(
        "/requests.json",
        status_code=201,
        responses={403: {"model": list[Open311Error], "description": "no valid api_key"}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": form_schema()},
                    "application/json": {"schema": form_schema()},
                },
            }
        },
    )
    async def create_request(request: Request) -> list[ServiceRequestCreated]:
        """Report a problem (needs an ``api_key``): a ticket routed like a chat complaint."""
        fields = await read_fields(request)
        if not fields.get("api_key"):
            raise Open311Problem(403, "api_key is required")
        new = parse_new_request(fields)
        key, now = str(new.api_key), app_services.clock()

        def register(uow: UnitOfWork) -> ServiceRequestCreated:
            return submit(uow.session, app_services, key=key, new=new, now=now)

        return [await run_in_threadpool(run_in_transaction, make_uow, register)]

    return router
