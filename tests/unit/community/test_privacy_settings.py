"""The retention period of the community file is checked: a typo must not erase recent data."""

from pathlib import Path

import pytest

from bot.community import check_community, load_community, sample_path

SAMPLE = sample_path().read_text(encoding="utf-8")


def test_the_sample_keeps_closed_tickets_a_year() -> None:
    assert load_community().retention_days == 365


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("7", "greater than or equal to 30"),
        ("99999", "less than or equal to 3650"),
        ("true", "valid integer"),
        ('"365"', "valid integer"),
        ("1y", "valid integer"),
    ],
)
def test_a_retention_that_is_too_short_or_not_a_number_is_refused(
    tmp_path: Path, value: str, problem: str
) -> None:
    path = tmp_path / "community.yaml"
    path.write_text(SAMPLE.replace("retention_days: 365", f"retention_days: {value}"), "utf-8")
    [found] = check_community(path)
    assert found.startswith("retention_days:") and problem in found
