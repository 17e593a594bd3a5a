"""The shipped sample community loads and has the shape of the model community F."""

from collections import Counter

import pytest

from bot.community import Community, Role, check_community, load_community, sample_path


@pytest.fixture(scope="module")
def sample() -> Community:
    return load_community()


def test_the_sample_loads_from_the_package_and_from_its_path(sample: Community) -> None:
    assert sample.code == "F"
    assert load_community(sample_path()) == sample
    assert check_community(sample_path()) == []


def test_the_sample_has_eleven_grids_of_three_members_each(sample: Community) -> None:
    assert [g.code for g in sample.grids] == [f"G{i:02d}" for i in range(1, 12)]
    for grid in sample.grids:
        roles = sorted(m.role for m in sample.members_of(grid.code))
        assert roles == sorted([Role.STREET_OFFICIAL, Role.COMMITTEE, Role.POLICE])


def test_every_grid_has_one_leader_and_the_leading_role_varies(sample: Community) -> None:
    leaders = [sample.leader_of(g.code) for g in sample.grids]
    assert all(sum(m.grid_leader for m in sample.members_of(g.code)) == 1 for g in sample.grids)
    assert set(Counter(leader.role for leader in leaders)) == {
        Role.STREET_OFFICIAL,
        Role.COMMITTEE,
        Role.POLICE,
    }


def test_the_sample_has_a_chair_and_two_social_workers(sample: Community) -> None:
    assert sample.chair().grid is None
    assert [w.specialty for w in sample.social_workers()] == ["youth", "culture"]
    assert all(person.chat_id is None for person in sample.staff)


def test_the_sample_routes_every_category_and_uses_the_default_hours(sample: Community) -> None:
    assert len(sample.routing.categories) == 14
    assert str(sample.routing.categories["youth_psych"]) == "social_worker/youth"
    assert sample.quiet_hours.start.hour == 22
    assert sample.working_hours.days == (0, 1, 2, 3, 4)
    assert sample.reminders.before_escalation == 2
    assert sample.retention_days == 365


def test_grid_and_member_lookups_reject_unknown_names(sample: Community) -> None:
    assert sample.grid("G05").name == "小吃街东网格"
    with pytest.raises(KeyError):
        sample.grid("G12")
    with pytest.raises(KeyError):
        sample.member("无名氏")
