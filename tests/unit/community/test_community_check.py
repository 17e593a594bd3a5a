"""check_community names the field and the problem for every mistake in a community file."""

from pathlib import Path

import pytest

from bot.community import CommunityConfigError, check_community, load_community, sample_path

SAMPLE = sample_path().read_text(encoding="utf-8")


def write_sample(tmp_path: Path, old: str, new: str) -> Path:
    """The sample with one edit, written to a file."""
    assert old in SAMPLE
    path = tmp_path / "community.yaml"
    path.write_text(SAMPLE.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_unknown_grid_is_named_with_the_staff_index(tmp_path: Path) -> None:
    path = write_sample(tmp_path, "role: police, grid: G11", "role: police, grid: G12")
    assert check_community(path) == ["staff[32].grid: unknown grid 'G12' (袁军)"]


def test_two_leaders_in_one_grid_are_reported(tmp_path: Path) -> None:
    old = "{name: 朱德明, role: committee, grid: G03,"
    path = write_sample(tmp_path, old, old + " grid_leader: true,")
    [problem] = check_community(path)
    assert problem.startswith("grids[2]: grid 'G03' needs exactly one grid leader")
    assert "朱德明, 韩磊" in problem


def test_a_grid_without_a_leader_is_reported(tmp_path: Path) -> None:
    path = write_sample(tmp_path, "grid: G03, grid_leader: true,", "grid: G03,")
    assert check_community(path)[0].endswith("found none")


def test_a_bad_duration_is_named_with_its_clock(tmp_path: Path) -> None:
    path = write_sample(tmp_path, "sign_off: 30m", "sign_off: 30x")
    [problem] = check_community(path)
    assert problem.startswith("time_limits.urgent.sign_off: bad duration '30x'")


def test_an_unknown_category_in_routing_is_reported(tmp_path: Path) -> None:
    path = write_sample(tmp_path, "    noise: police", "    noize: police")
    [problem] = check_community(path)
    assert problem.startswith("routing.categories.noize: unknown category 'noize'")


def test_a_yaml_syntax_error_gives_the_line_number(tmp_path: Path) -> None:
    path = write_sample(tmp_path, "  - code: G03\n", "  - code: G03\n   name: [x\n")
    [problem] = check_community(path)
    assert problem.startswith(f"{path}: YAML syntax error at line 53")


def test_a_duplicate_key_is_an_error_not_silently_overridden(tmp_path: Path) -> None:
    path = write_sample(tmp_path, "retention_days: 365", "retention_days: 365\nretention_days: 9")
    assert "duplicate key 'retention_days'" in check_community(path)[0]


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert check_community(path) == [f"{path}: file not found"]
    with pytest.raises(CommunityConfigError):
        load_community(path)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "role: police, grid: G01",
            "role: grid_leader, grid: G01",
            "staff[2].role: grid_leader is a flag",
        ),
        ("landmarks: [钟楼, 钟楼广场]", "landmark: [钟楼]", "grids[6].landmark: unknown setting"),
        ('numbers: "61-120"', 'numbers: "61-"', "grids[5].addresses[0].numbers: bad number set"),
        ('quiet_hours: "22:00-07:00"', 'quiet_hours: "22:00"', "quiet_hours: bad time range"),
        (
            "role: chair",
            "role: committee, grid: G01",
            "staff: needs exactly one person with role: chair",
        ),
        (
            "timezone: Asia/Shanghai",
            "timezone: Mars/Base",
            "timezone: unknown timezone 'Mars/Base'",
        ),
        (
            "    fire_safety:  ",
            "    fire_safty:  ",
            "time_limits.overrides.fire_safty: unknown category",
        ),
        (
            "{name: 田淑芬, role: chair,",
            "{name: 田淑芬, role: chair, grid: G01,",
            "staff[33].grid: a chair serves",
        ),
        (
            "[39.9440, 116.3930], [39.9440, 116.3900]]",
            "]",
            "grids[6].polygon: a polygon needs at least 3",
        ),
    ],
)
def test_each_mistake_names_its_field(tmp_path: Path, old: str, new: str, expected: str) -> None:
    problems = check_community(write_sample(tmp_path, old, new))
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_an_unquoted_time_that_yaml_reads_as_a_number_still_works(tmp_path: Path) -> None:
    path = write_sample(tmp_path, 'end: "17:30"', "end: 17:30")
    assert load_community(path).working_hours.end.hour == 17


def test_a_file_that_is_not_a_mapping_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    assert "expected settings" in check_community(path)[0]
