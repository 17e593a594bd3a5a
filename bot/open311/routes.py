"""The GeoReport v2 endpoints (JSON only) under ``/open311/v2``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from bot.open311.body import form_schema, parse_new_request, read_fields
from bot.open311.errors import Open311Problem
from bot.open311.filters import RequestQuery, parse_query
from bot.open311.mapping import service_by_code, services
from bot.open311.schemas import (
    Discovery,
    Endpoint,
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
        responses={
            403: {"model": list[Open311Error], "description": "no valid api_key"},
            413: {"model": list[Open311Error], "description": "the body is too large"},
            415: {"model": list[Open311Error], "description": "neither a form nor JSON"},
        },
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
