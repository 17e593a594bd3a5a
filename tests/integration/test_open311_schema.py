"""Schemathesis against the API's own OpenAPI document: no 500s, answers as documented."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from bot.open311.app import create_app
from storage.repositories.apikeys import create_api_key

if TYPE_CHECKING:
    from tests.integration.conftest import World

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # starlette's TestClient
BOUNDED = settings(
    max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
LISTING = "GET /open311/v2/requests.json"


def test_the_api_answers_as_documented(world: World) -> None:
    with world.app.uow_factory() as uow:
        create_api_key(uow.session, name="fuzz", now=world.now)
        uow.commit()
    world.submit(world.chat(1001))  # one ticket, F-000001, to read back
    app = create_app(world.app.uow_factory, world.app.services)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7
    for operation in operations:
        modes = [GenerationMode.POSITIVE]
        if len(operation.query) or len(operation.body):  # a path segment is any string
            modes.append(GenerationMode.NEGATIVE)
        # A window whose start is after its end is schema-valid but refused (400, said plainly).
        lenient = [positive_data_acceptance] if operation.label == LISTING else []
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @BOUNDED
            def call(case: Any) -> None:
                case.call_and_validate(excluded_checks=lenient)  # noqa: B023 (called at once)

            call()
