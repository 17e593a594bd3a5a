"""``gridvoice apikey`` and ``gridvoice api`` arguments, in-process on a SQLite file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from bot.cli_open311 import listen_address
from storage import make_engine
from storage.models import ApiKey
from storage.unit_of_work import uow_factory


def test_keys_are_shown_once_stored_hashed_listed_and_revoked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'gridvoice.db'}"
    monkeypatch.setenv("GRIDVOICE_DATABASE_URL", url)
    monkeypatch.delenv("GRIDVOICE_COMMUNITY", raising=False)
    assert main(["apikey", "create", "chengguan"]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("gv_") and len(key) > 30
    assert main(["apikey", "create", "chengguan"]) == 1
    assert "already exists" in capsys.readouterr().err
    engine = make_engine(url)
    with uow_factory(engine)() as uow:
        [row] = uow.session.exec(select(ApiKey)).all()
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in repr(row.model_dump())
    engine.dispose()
    assert main(["apikey", "list"]) == 0
    assert capsys.readouterr().out.startswith("chengguan\tactive\t")
    assert main(["apikey", "revoke", "chengguan"]) == 0
    assert main(["apikey", "revoke", "nobody"]) == 1
    assert main(["apikey", "list"]) == 0
    assert "chengguan\trevoked " in capsys.readouterr().out
    assert main(["apikey", "create", "two words"]) == 2


def test_the_listen_address_is_host_and_port() -> None:
    assert listen_address("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert listen_address("[::1]:9000") == ("::1", 9000)
    assert main(["api", "--listen", "8080"]) == 2
    assert main(["api", "--listen", "host:70000"]) == 2
