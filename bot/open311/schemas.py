"""The shapes the Open311 GeoReport v2 API reads and writes (JSON); never a table row."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nlp import DEFAULT_CODES

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


class Open311Error(BaseModel):
    """One error; every error response is a list of these."""

    code: int
    description: str


class Endpoint(BaseModel):
    """One endpoint of the discovery document."""

    specification: str = SPECIFICATION
    url: str
    changeset: str
    type: Literal["production", "test"] = "production"
    formats: list[str] = ["application/json"]


class Discovery(BaseModel):
    """Where the API is and whom to ask for a key."""

    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Service(BaseModel):
    """One kind of problem (a GridVoice category) that can be reported."""

    service_code: str
    service_name: str
    description: str
    metadata: bool = False
    type: Literal["realtime", "batch", "blackbox"] = "realtime"
    keywords: str
    group: str


class ServiceDefinition(BaseModel):
    """The extra attributes a service asks for: none in GridVoice."""

    service_code: str
    attributes: list[dict[str, str]] = []


class ServiceRequest(BaseModel):
    """A ticket as the outside world may see it: no names, phones, exact addresses or photos."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str | None
    service_notice: str | None = None
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str | None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None
    long: float | None
    media_url: str | None = None


class ServiceRequestCreated(BaseModel):
    """The answer to a new service request."""

    service_request_id: str
    service_notice: str
    account_id: str | None = None


class NewServiceRequest(BaseModel):
    """A new service request as posted (form-encoded or JSON). Contact fields are accepted for
    compatibility and discarded: GridVoice keeps no personal data of API reporters."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    api_key: str | None = Field(default=None, description="required (here, or in the query)")
    jurisdiction_id: str | None = None
    service_code: str | None = Field(
        default=None,
        description="a GridVoice category; classified from the description if absent",
        json_schema_extra={"enum": list(DEFAULT_CODES)},
    )
    description: str = Field(
        min_length=1,
        max_length=4000,
        description="what the problem is (at least one letter or digit)",
        json_schema_extra={"pattern": r"\w"},
    )
    lat: float | None = Field(default=None, ge=-90, le=90)
    long: float | None = Field(default=None, ge=-180, le=180)
    address_string: str | None = Field(default=None, max_length=200)
    address_id: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    media_url: str | None = None


class Health(BaseModel):
    """Whether the API can reach its database."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]
