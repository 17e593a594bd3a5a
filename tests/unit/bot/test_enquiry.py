"""Enquiries (questions about a service) run on the enquiry clock; problems do not."""

import pytest

from bot.domain.enquiry import is_enquiry


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("请问低保怎么申请", "social_security"),
        ("居住证到期了怎么续签？", "migrant_services"),
        ("社区医院几点开门呢", "health_family"),
        ("老年食堂在哪里", "elderly_care"),
    ],
)
def test_questions_about_services_are_enquiries(text: str, category: str) -> None:
    assert is_enquiry(text, category, urgent=False)


@pytest.mark.parametrize(
    ("text", "category", "urgent"),
    [
        ("楼下垃圾桶满了怎么没人管？", "environment", False),
        ("独居老人摔倒了怎么办", "elderly_care", True),
        ("我的养老金这个月没到账", "social_security", False),
    ],
)
def test_problems_and_emergencies_are_not(text: str, category: str, urgent: bool) -> None:
    assert not is_enquiry(text, category, urgent)
