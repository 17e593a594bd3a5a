"""The API application: the Open311 router, ``/health`` and errors in the Open311 format."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from bot.open311.body import non_null
from bot.open311.errors import Open311Problem, error_list
from bot.open311.routes import PREFIX, open311_router
from bot.open311.schemas import Health
from bot.service.context import Services
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
TITLE = "GridVoice Open311 GeoReport v2"
VERSION = "2.0"


def _error(status: int, description: str) -> JSONResponse:
    return JSONResponse(error_list(status, description), status_code=status)


async def _problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Open311Problem)
    return _error(exc.status, exc.description)


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"][1:]) or "request"
    return _error(400, f"{where}: {first['msg']}")


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404 and request.url.path.endswith(".xml"):
        return _error(404, "only JSON is served: use .json")
    if exc.status_code == 404:
        return _error(404, f"nothing here; the API is under {PREFIX}/discovery.json")
    return _error(exc.status_code, str(exc.detail))


async def _database(_request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", exc)
    return _error(503, "the database is unavailable; try again later")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return _error(500, "something went wrong on our side; it has been logged")


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The OpenAPI document with Open311's 400 in place of FastAPI's 422, no null queries."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=TITLE, version=VERSION, routes=app.routes)
            for operations in schema["paths"].values():
                for operation in operations.values():
                    operation["responses"].pop("422", None)
                    for parameter in operation.get("parameters", []):
                        parameter["schema"] = non_null(parameter["schema"])
            app.openapi_schema = schema
        return app.openapi_schema

    return build


def create_app(make_uow: Callable[[], UnitOfWork], services: Services) -> FastAPI:
    """The API over the database of ``make_uow`` and the community of ``services``."""
    app = FastAPI(title=TITLE, version=VERSION)
    app.include_router(open311_router(make_uow, services))
    app.add_exception_handler(Open311Problem, _problem)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(OperationalError, _database)
    app.add_exception_handler(Exception, _unexpected)

    @app.get("/health", responses={503: {"model": Health}})
    def health() -> JSONResponse:
        """Whether the database answers."""
        try:
            with make_uow() as uow:
                uow.session.connection().exec_driver_sql("SELECT 1")
        except OperationalError as exc:
            log.error("health check: database unreachable: %s", exc)
            body = Health(status="unavailable", database="unreachable")
            return JSONResponse(body.model_dump(), status_code=503)
        return JSONResponse(Health(status="ok", database="ok").model_dump())

    app.openapi = _openapi(app)  # type: ignore[method-assign]
    return app
