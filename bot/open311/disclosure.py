"""What a ticket shows to anyone but its handlers (the Open311 API, the committee's exports).

The text has phone-like numbers and house numbers masked; a staff member appears by role, never
by name.
"""

from __future__ import annotations

import re

from bot.texts import text
from storage.models import StaffMember

MASK = "*"
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_PHONE_LIKE = re.compile(r"(?<!\d)(?:\d[\s-]?){6,}\d[Xx]?(?!\d)")
"""Seven or more digits, possibly split by spaces or dashes: phones, ID and account numbers."""
_HOUSE_NUMBER = re.compile(
    r"(?:\d+|[零〇一二两三四五六七八九十百千]+)(?=\s*(?:号楼|号院|号|號|栋|棟|幢|单元|室|层|楼|座))"
)


def redact(description: str) -> str:
    """``description`` with phone-like numbers and house numbers masked."""
    folded = description.translate(_DIGITS)
    folded = _PHONE_LIKE.sub(MASK * 3, folded)
    return _HOUSE_NUMBER.sub(MASK, folded)


def role_label(member: StaffMember) -> str:
    """The role of a staff member, never their name: 网格长, 社区民警 …"""
    return text("role_grid_leader") if member.is_grid_leader else text(f"role_{member.role}")
