"""Telling an enquiry (咨询: a question about a service) from a complaint (投诉: a problem to fix).

Enquiries run on their own, shorter resolution clock. The rule is deliberately plain: a message
that asks how, whether or where (请问, 怎么, 如何, 能不能, …吗？) about a service category and
does not describe danger is an enquiry.
"""

from __future__ import annotations

import re

SERVICE_CATEGORIES = frozenset(
    {"social_security", "migrant_services", "health_family", "elderly_care", "community_activity"}
)
_QUESTION = re.compile(
    r"请问|怎么|如何|怎样|咋|哪里|在哪|能不能|可不可以|可以.{0,12}吗|[吗呢][?？]?\s*$|[?？]"
)


def is_enquiry(text: str, category: str, urgent: bool) -> bool:
    """True for a question about a service category (never for an urgent report)."""
    return not urgent and category in SERVICE_CATEGORIES and _QUESTION.search(text) is not None
