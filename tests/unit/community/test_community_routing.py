"""Routing picks the staff member whose role fits, falls back to the grid leader, then the chair."""

from typing import Any

import pytest

from bot.community import Community, Role, RouteStep, load_community


@pytest.fixture(scope="module")
def sample() -> Community:
    return load_community()


def make_community(**overrides: Any) -> Community:
    """A one-grid community whose grid has only a street official, who leads it."""
    data: dict[str, Any] = {
        "name": "测试社区",
        "code": "T",
        "grids": [{"code": "G01", "name": "一网格"}],
        "staff": [
            {"name": "甲", "role": "street_official", "grid": "G01", "grid_leader": True},
            {"name": "主任", "role": "chair"},
        ],
        "routing": {"categories": {"noise": "police"}},
    }
    return Community.model_validate(data | overrides)


def test_public_security_in_g03_goes_to_the_police_officer_of_g03(sample: Community) -> None:
    decision = sample.route("public_security", "G03")
    assert decision.assignee == "韩磊"
    assert sample.member(decision.assignee).role is Role.POLICE
    assert decision.step is RouteStep.ROUTED
    assert decision.reason == "public_security → police in G03"


def test_the_grid_leader_is_informed_unless_they_are_the_assignee(sample: Community) -> None:
    assert sample.route("public_security", "G03").informed == ()
    assert sample.route("environment", "G01").informed == ("王建国",)


def test_youth_psych_goes_to_the_youth_social_worker_from_any_grid(sample: Community) -> None:
    for grid in ("G01", "G09", None):
        assert sample.route("youth_psych", grid).assignee == "潘晓雯"
    assert sample.route("youth_psych", "G05").informed == ("郭晓燕",)


def test_other_goes_to_the_grid_leader(sample: Community) -> None:
    decision = sample.route("other", "G06")
    assert decision.assignee == sample.leader_of("G06").name == "于洪亮"
    assert decision.role is Role.GRID_LEADER


def test_a_missing_role_falls_back_to_the_grid_leader() -> None:
    decision = make_community().route("noise", "G01")
    assert (decision.assignee, decision.step) == ("甲", RouteStep.FALLBACK)
    assert decision.reason == "noise → police in G01: none; fallback to grid_leader"


def test_an_unrouted_category_goes_to_the_fallback() -> None:
    decision = make_community().route("dispute", "G01")
    assert (decision.assignee, decision.step) == ("甲", RouteStep.FALLBACK)


def test_without_a_grid_the_chair_takes_it(sample: Community) -> None:
    decision = sample.route("noise", None)
    assert (decision.assignee, decision.role) == ("田淑芬", Role.CHAIR)
    assert decision.step is RouteStep.CHAIR


def test_when_the_fallback_role_is_missing_too_the_chair_takes_it() -> None:
    routing = {"categories": {"noise": "police"}, "fallback": "committee"}
    decision = make_community(routing=routing).route("noise", "G01")
    assert (decision.assignee, decision.step) == ("主任", RouteStep.CHAIR)
    assert decision.informed == ("甲",)


def test_a_missing_social_worker_falls_back_to_the_grid_leader() -> None:
    community = make_community(routing={"categories": {"youth_psych": "social_worker/youth"}})
    decision = community.route("youth_psych", "G01")
    assert (decision.assignee, decision.step) == ("甲", RouteStep.FALLBACK)


def test_a_social_worker_route_without_specialty_takes_any_social_worker() -> None:
    staff = [*make_community().model_dump()["staff"], {"name": "社工", "role": "social_worker"}]
    routing = {"categories": {"youth_psych": "social_worker"}}
    assert (
        make_community(staff=staff, routing=routing).route("youth_psych", "G01").assignee == "社工"
    )


def test_unknown_categories_and_grids_are_programming_errors(sample: Community) -> None:
    with pytest.raises(ValueError, match="unknown category"):
        sample.route("weather", "G01")
    with pytest.raises(KeyError):
        sample.route("noise", "G99")
