"""Staff accounts, passwords, session cookies and CSRF tokens."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.db import Database
from portal.errors import Invalid
from portal.pages import staff


@pytest.fixture
def sdb(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    staff.add_staff(db, "li", "李审查", "long-password-1")
    return db


def test_passwords_are_stored_as_argon2id(sdb: Database) -> None:
    table = sdb.t("staff_users")
    with sdb.begin() as conn:
        stored = conn.execute(select(table.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "long-password-1" not in stored
    assert staff.check_password(sdb, "li", "long-password-1") == "李审查"


@pytest.mark.parametrize(("user", "password"), [("li", "wrong-password"), ("nobody", "x" * 12)])
def test_wrong_password_or_unknown_user(sdb: Database, user: str, password: str) -> None:
    with pytest.raises(staff.LoginFailed) as caught:
        staff.check_password(sdb, user, password)
    assert caught.value.message("en") == "Wrong user name or password."


def test_short_password_is_refused(sdb: Database) -> None:
    with pytest.raises(Invalid):
        staff.add_staff(sdb, "wang", "王", "short")


def test_disabled_user_cannot_log_in_and_an_unknown_one_cannot_be_disabled(sdb: Database) -> None:
    staff.disable_staff(sdb, "li")
    with pytest.raises(staff.LoginFailed):
        staff.check_password(sdb, "li", "long-password-1")
    with pytest.raises(Invalid):
        staff.disable_staff(sdb, "nobody")
    staff.add_staff(sdb, "li", "李审查", "new-password-22")  # re-adding enables again
    assert staff.check_password(sdb, "li", "new-password-22") == "李审查"


def test_session_cookie_is_checked_signed_and_expires(sdb: Database) -> None:
    secret = staff.session_secret(sdb)
    cookie = staff.make_session(sdb, secret, "li")
    assert staff.read_session(sdb, secret, cookie) == "li"
    name, issued, sid, mac = cookie.split(".")
    assert staff.read_session(sdb, secret, f"wang.{issued}.{sid}.{mac}") is None
    assert staff.read_session(sdb, secret, f"{name}.{int(issued) + 1}.{sid}.{mac}") is None
    assert staff.read_session(sdb, b"another-secret", cookie) is None
    assert (
        staff.read_session(sdb, secret, None) is None
        and staff.read_session(sdb, secret, "x") is None
    )
    old = staff.make_session(sdb, secret, "li", now=time.time() - staff.SESSION_SECONDS - 5)
    assert staff.read_session(sdb, secret, old) is None


def test_every_app_server_shares_the_session_secret(sdb: Database, tmp_path: Path) -> None:
    other = Database(f"sqlite:///{tmp_path / 'p.db'}")
    assert staff.session_secret(other) == staff.session_secret(sdb)


def test_csrf_token_is_bound_to_its_cookie() -> None:
    token = staff.csrf_token(b"k" * 32, "cookie-a")
    assert staff.csrf_ok(b"k" * 32, "cookie-a", token)
    assert not staff.csrf_ok(b"k" * 32, "cookie-b", token)
    assert not staff.csrf_ok(b"k" * 32, None, token)
    assert not staff.csrf_ok(b"k" * 32, "cookie-a", None)
