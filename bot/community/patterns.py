"""Address patterns of a grid: a street with house numbers, or an estate with buildings.

Number sets are written as comma-separated items, each a number or a range with an optional
parity: ``"12"``, ``"1-88"``, ``"1-99 odd"``, ``"2-98 even"``, ``"odd"`` (every odd number),
``"1-20, 31-39 odd"``. ``单``/``单号`` and ``双``/``双号`` may be used for odd and even.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import model_validator

from bot.community.common import FrozenModel, raise_problems

_ITEM = re.compile(r"(?:(\d+)(?:\s*(?:-|~|到|至)\s*(\d+))?)?\s*(odd|even|单号?|双号?)?")
_PARITY: dict[str, Literal["odd", "even"]] = {
    "odd": "odd", "单": "odd", "单号": "odd", "even": "even", "双": "even", "双号": "even",
}  # fmt: skip
_ESTATE_SUFFIX = "小区"


def normalize_name(name: str) -> str:
    """Fold full-width characters and drop whitespace, as is done to the text being searched."""
    return "".join(unicodedata.normalize("NFKC", name).split())


class NumberSpan(FrozenModel):
    """Numbers from ``low`` to ``high`` (open-ended if None), optionally only odd or even."""

    low: int
    high: int | None
    parity: Literal["odd", "even"] | None = None

    def __contains__(self, number: int) -> bool:
        if number < self.low or (self.high is not None and number > self.high):
            return False
        return self.parity is None or (number % 2 == 1) == (self.parity == "odd")


def parse_number_set(text: str) -> tuple[NumberSpan, ...]:
    """Parse a number set; a ValueError names the bad item and shows the syntax."""
    spans = []
    for item in re.split(r"[,，、;]", unicodedata.normalize("NFKC", text)):
        match = _ITEM.fullmatch(item.strip().lower())
        if not item.strip() or match is None or not any(match.groups()):
            raise ValueError(f"bad number set {text!r}: write e.g. '1-88', '1-99 odd', '2-40 even'")
        low, high, parity = match.groups()
        first = int(low) if low else 1
        last = int(high) if high else (int(low) if low else None)
        if last is not None and last < first:
            raise ValueError(f"bad number set {text!r}: range {item.strip()!r} runs backwards")
        spans.append(NumberSpan(low=first, high=last, parity=_PARITY[parity] if parity else None))
    return tuple(spans)


class NumberSet(FrozenModel):
    """A set of house or building numbers, kept with the text it was written as."""

    text: str
    spans: tuple[NumberSpan, ...]

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str | int) and not isinstance(value, bool):
            return {"text": str(value), "spans": parse_number_set(str(value))}
        return value

    def __contains__(self, number: int) -> bool:
        return any(number in span for span in self.spans)

    def __str__(self) -> str:
        return self.text


class AddressPattern(FrozenModel):
    """``{street: 后街, numbers: "1-99 odd"}`` or ``{estate: 幸福里小区, buildings: "1-6"}``.

    Without ``numbers`` / ``buildings`` the whole street or estate belongs to the grid.
    """

    street: str | None = None
    numbers: NumberSet | None = None
    estate: str | None = None
    buildings: NumberSet | None = None

    @model_validator(mode="after")
    def _one_place(self) -> AddressPattern:
        problems = []
        if (self.street is None) == (self.estate is None):
            problems.append(("", "give either street or estate"))
        if self.street is None and self.numbers is not None:
            problems.append(("numbers", "only a street has house numbers; use buildings"))
        if self.estate is None and self.buildings is not None:
            problems.append(("buildings", "only an estate has buildings; use numbers"))
        raise_problems(problems)
        return self

    @property
    def kind(self) -> Literal["street", "estate"]:
        return "street" if self.street is not None else "estate"

    @property
    def name(self) -> str:
        return self.street if self.street is not None else str(self.estate)

    def names(self) -> tuple[str, ...]:
        """The spellings to search for: 幸福里小区 is also found as 幸福里."""
        name = normalize_name(self.name)
        short = name.removesuffix(_ESTATE_SUFFIX)
        return (name, short) if self.estate and len(short) >= 2 and short != name else (name,)

    def accepts(self, number: int) -> bool:
        """Whether a house (street) or building (estate) number belongs to this pattern."""
        limit = self.numbers if self.street is not None else self.buildings
        return limit is None or number in limit
