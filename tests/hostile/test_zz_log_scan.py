"""No personal data in the logs: the scanner itself, and the records of the session so far.

Named to run last in this directory; ``conftest.pytest_sessionfinish`` scans again at the very
end, over every test of the session.
"""

from __future__ import annotations

import logging

import pytest

from tests.hostile.logscan import RECORDER, SECRETS, find_personal_data


@pytest.mark.parametrize(
    "line",
    [
        "resident phone 13812345678 saved",
        "staff 138-0000-0011 unreachable",
        "id 11010119900307123X checked",
        "location 39.941234, 116.394567",
        "GET /bot7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0/getMe",
        "report by 王秀英 at 后街12号",
    ],
)
def test_the_scanner_finds_each_kind_of_personal_data(line: str) -> None:
    assert find_personal_data([line])


@pytest.mark.parametrize(
    "line",
    [
        "event failed: kind=text chat=2001",
        "transaction attempt 2 failed (database is locked); retrying",
        "forget request of resident 12 done",
        "re-routed F-000012 after chat 5001 became unreachable",
        "sweep claimed 1000 tickets in 31.7 ms",
    ],
)
def test_ordinary_log_lines_are_not_hits(line: str) -> None:
    assert find_personal_data([line]) == []


def test_every_record_of_the_session_is_recorded() -> None:
    logging.getLogger("bot.dialogue.engine").info("recorder probe %s", 42)
    assert RECORDER.texts[-1] == "INFO bot.dialogue.engine: recorder probe 42"


def test_no_personal_data_in_the_logs_so_far() -> None:
    assert find_personal_data(RECORDER.texts, extra=SECRETS) == []
