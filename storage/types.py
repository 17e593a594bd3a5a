"""Column types shared by the models: UTC timestamps, string enums, JSON, chat ids."""

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.operators import OperatorType

JSONType = sa.JSON
"""JSON column type; native JSON on PostgreSQL, TEXT on SQLite."""

ChatId = sa.BigInteger
"""Chat ids exceed 2**31 (Telegram supergroups), so they are 64-bit."""


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware datetime stored in UTC; refuses naive values."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def coerce_compared_value(self, op: OperatorType | None, value: Any) -> Any:
        if isinstance(value, timedelta):
            return sa.Interval()
        return self

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        value = value.astimezone(UTC)
        # SQLite has no time zones: store the UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumType(sa.TypeDecorator[StrEnum]):
    """A `StrEnum` stored as a plain VARCHAR (no database enum, no check constraint)."""

    impl = sa.String()
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def __repr__(self) -> str:
        return f"StrEnumType({self.enum_class.__name__})"

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum_class(value)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (for column defaults only)."""
    return datetime.now(UTC)
