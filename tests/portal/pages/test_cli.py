"""`portal staff add|disable` and `portal item-limit`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from portal.cli import main
from portal.db import Database
from portal.pages import staff
from portal.pages.deadlines import item_limits


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'portal.db'}"


def test_staff_add_reads_the_password_from_stdin(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    assert main(["staff", "add", "li", "--name", "李审查", "--password-stdin", "--db", url]) == 0
    assert "li" in capsys.readouterr().out
    assert staff.check_password(Database(url), "li", "a-good-password") == "李审查"


def test_staff_add_asks_twice_and_refuses_a_mismatch(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["a-good-password", "another-password"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    assert main(["staff", "add", "li", "--db", url, "--lang", "en"]) == 2
    assert "The passwords differ." in capsys.readouterr().err


def test_staff_disable_of_an_unknown_user_is_one_clear_line(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["staff", "disable", "nobody", "--db", url, "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == "portal: No staff user nobody."


def test_item_limit_set_clear_and_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["item-limit", "PAGE-001", "7", "--db", url]) == 0
    db = Database(url)
    with db.begin() as conn:
        assert item_limits(conn, db) == {"PAGE-001": 7}
    assert main(["item-limit", "PAGE-001", "--clear", "--db", url]) == 0
    with db.begin() as conn:
        assert item_limits(conn, db) == {}
    assert main(["item-limit", "PAGE-001", "--db", url, "--lang", "en"]) == 2
    assert main(["item-limit", "PAGE-001", "0", "--db", url, "--lang", "en"]) == 2
    assert "1 to 365 working days" in capsys.readouterr().err
