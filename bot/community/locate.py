"""Find the grid of an address, a map point or a place named in a complaint. Pure functions.

Text is folded first (full-width digits and letters to half-width, whitespace removed), so
"后街 12 号" and "后街１２号" read as "后街12号". Numbers may be written in Chinese: "十二号".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.community.patterns import normalize_name
from bot.community.schema import Community

PlaceKind = Literal["street", "estate", "landmark"]

_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(
    r"(?:第)?(?:(\d+)|([零〇一二两三四五六七八九十百千]+)(?=号|號|栋|棟|幢|楼|座))"
    r"(号楼|号院|号|號|栋|棟|幢|楼|座)?"
)


@dataclass(frozen=True)
class GridMatch:
    """A grid found in text: which grid, what kind of place, its name in the file, the number."""

    grid: str
    kind: PlaceKind
    name: str
    number: int | None = None


def locate_address(community: Community, text: str) -> GridMatch | None:
    """The grid of an address like "后街12号", "鼓楼巷3号院2单元" or "幸福里小区5栋302".

    A street or estate followed by a number must have a pattern accepting that number (else
    None); a bare name counts only if it belongs to one grid. Numbered matches win.
    """
    clean = fold(text)
    patterns = [(g.code, p, v) for g in community.grids for p in g.addresses for v in p.names()]
    numbered: list[GridMatch] = []
    named: list[GridMatch] = []
    for _, end, name in _occurrences(clean, {v for _, _, v in patterns}):
        number = _number_at(clean, end)
        found = [(code, p) for code, p, v in patterns if v == name]
        if number is not None:
            found = [(code, p) for code, p in found if p.accepts(number)]
        if len({code for code, _ in found}) == 1:
            code, pattern = found[0]
            match = GridMatch(code, pattern.kind, pattern.name, number)
            (numbered if number is not None else named).append(match)
    matches = numbered or named
    return matches[0] if matches else None


def locate_point(community: Community, lat: float, lon: float) -> str | None:
    """The code of the grid whose polygon contains the point, if any."""
    for grid in community.grids:
        if grid.polygon and _inside(lat, lon, grid.polygon):
            return grid.code
    return None


def find_named_place(community: Community, text: str) -> GridMatch | None:
    """The grid of the longest place name (landmark, street, estate) found in ``text``.

    None if no name is found, or if the longest names belong to more than one grid
    (e.g. a street split between two grids).
    """
    clean = fold(text)
    places = _named_places(community)
    found = _occurrences(clean, places)
    if not found:
        return None
    longest = max(end - start for start, end, _ in found)
    matches = [m for start, end, name in found if end - start == longest for m in places[name]]
    return matches[0] if len({m.grid for m in matches}) == 1 else None


_PLACES_OF: dict[int, tuple[Community, dict[str, list[GridMatch]]]] = {}


def _named_places(community: Community) -> dict[str, list[GridMatch]]:
    """Every place name of the community (normalised) and the grids it names; built once per
    community (every complaint is looked up: rebuilding it was 6 % of a turn)."""
    known = _PLACES_OF.get(id(community))
    if known is not None and known[0] is community:
        return known[1]
    places: dict[str, list[GridMatch]] = {}
    for grid in community.grids:
        for landmark in grid.landmarks:
            places.setdefault(normalize_name(landmark), []).append(
                GridMatch(grid.code, "landmark", landmark)
            )
        for pattern in grid.addresses:
            for variant in pattern.names():
                places.setdefault(variant, []).append(
                    GridMatch(grid.code, pattern.kind, pattern.name)
                )
    if len(_PLACES_OF) >= 8:  # a community file reloaded now and then: keep the newest
        _PLACES_OF.clear()
    _PLACES_OF[id(community)] = (community, places)
    return places


def fold(text: str) -> str:
    """Full-width to half-width (NFKC) and no whitespace."""
    return normalize_name(text)


def chinese_number(text: str) -> int:
    """Read a Chinese numeral: 十二 → 12, 一百零五 → 105, 三〇二 → 302 (digit by digit)."""
    if not any(unit in text for unit in _CHINESE_UNITS):
        return int("".join(str(_CHINESE_DIGITS[c]) for c in text))
    total = current = 0
    for char in text:
        if char in _CHINESE_UNITS:
            total += (current or 1) * _CHINESE_UNITS[char]
            current = 0
        else:
            current = _CHINESE_DIGITS[char]
    return total + current


def _number_at(text: str, position: int) -> int | None:
    """The house or building number right after a name, if one is written there."""
    match = _NUMBER.match(text, position)
    if match is None:
        return None
    digits, chinese, _ = match.groups()
    return int(digits) if digits else chinese_number(chinese)


def _occurrences(text: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    """Where names occur, in text order, leaving out those inside a longer occurrence."""
    spans = []
    for name in names:
        start = text.find(name)
        while name and start >= 0:
            spans.append((start, start + len(name), name))
            start = text.find(name, start + 1)
    spans.sort(key=lambda s: s[0] - s[1])
    kept: list[tuple[int, int, str]] = []
    for start, end, name in spans:
        if not any(k_start <= start and end <= k_end for k_start, k_end, _ in kept):
            kept.append((start, end, name))
    return sorted(kept)


def _inside(lat: float, lon: float, polygon: Sequence[tuple[float, float]]) -> bool:
    """Ray casting: count the polygon edges crossed by a ray from the point."""
    inside = False
    previous = polygon[-1]
    for point in polygon:
        (lat1, lon1), (lat2, lon2) = point, previous
        if (lat1 > lat) != (lat2 > lat):
            crossing = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if lon < crossing:
                inside = not inside
        previous = point
    return inside
