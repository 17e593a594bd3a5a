"""Fixtures of the fault tests: the integration tests' databases and the test community.

``database_url`` gives an empty SQLite file and the reset PostgreSQL database (skipped, with the
reason, when GRIDVOICE_TEST_DATABASE_URL is unset); ``postgres_url`` only the latter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.harness import fault_community
from tests.integration.conftest import database_url, postgres_url, sqlite_url

__all__ = ["community", "database_url", "postgres_url", "sqlite_url"]


@pytest.fixture
def community(tmp_path: Path) -> Path:
    """The sample community on minute-long wall-clock deadlines, without quiet hours."""
    return fault_community(tmp_path)
