"""Department staff of the back office: accounts, passwords, session cookies, CSRF tokens.

- Passwords are argon2id hashes (argon2-cffi's defaults: RFC 9106 low-memory profile,
  stronger than OWASP's minimum), re-hashed on login when the parameters change.
- The session is a signed cookie, not a server-side session table: `username.issued.mac`
  with an HMAC-SHA256 over the first two parts, keyed by a secret kept in the database
  (`page_secrets`), so every app server accepts every other's cookies. Sessions expire
  after `SESSION_SECONDS`; disabling a user ends their sessions at the next request.
- CSRF: each form carries HMAC(secret, "csrf" + session cookie); a forged cross-site POST
  has no way to learn it. The login form, before any session, is bound the same way to a
  random pre-login cookie. Cookies are HttpOnly and SameSite=Strict as well.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update

from forms.text import Text
from portal.db import Database, now_iso
from portal.errors import Invalid, PortalError

SESSION_SECONDS = 8 * 3600
SESSION_COOKIE = "office_session"
PRELOGIN_COOKIE = "office_pre"
_hasher = PasswordHasher()


class LoginFailed(PortalError):
    """Wrong user name or password (one message for both, so names cannot be probed)."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__(Text("用户名或密码错误。", "Wrong user name or password."))


def add_staff(db: Database, username: str, display_name: str, password: str) -> None:
    """Create a staff account, or set a new password and name for an existing one."""
    username = username.strip()
    if not username or len(username) > 64 or len(password) < 10:
        raise Invalid(
            Text(
                "用户名不能为空，密码至少 10 个字符。",
                "A user name is needed and the password must have at least 10 characters.",
            )
        )
    table = db.t("staff_users")
    values = {"display_name": display_name.strip() or username, "disabled_at": None}
    values["password_hash"] = _hasher.hash(password)
    with db.begin() as conn:
        found = conn.execute(select(table.c.username).where(table.c.username == username))
        if found.first() is None:
            conn.execute(insert(table).values(username=username, created_at=now_iso(), **values))
        else:
            conn.execute(update(table).where(table.c.username == username).values(**values))


def disable_staff(db: Database, username: str) -> None:
    table = db.t("staff_users")
    with db.begin() as conn:
        done = conn.execute(
            update(table).where(table.c.username == username).values(disabled_at=now_iso())
        )
    if done.rowcount == 0:
        raise Invalid(Text(f"没有用户 {username}。", f"No staff user {username}."))


def _active_user(db: Database, username: str) -> tuple[str, str] | None:
    """(password hash, display name) of an enabled account."""
    table = db.t("staff_users")
    query = select(table.c.password_hash, table.c.display_name).where(
        table.c.username == username, table.c.disabled_at.is_(None)
    )
    with db.begin() as conn:
        row = conn.execute(query).first()
    return (row.password_hash, row.display_name) if row else None


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_hex(16))


def check_password(db: Database, username: str, password: str) -> str:
    """The account's display name when the password is right; LoginFailed otherwise. An
    unknown name costs the same hash check, so timing does not tell names apart."""
    user = _active_user(db, username.strip())
    try:
        _hasher.verify(user[0] if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        raise LoginFailed() from None
    if user is None:
        raise LoginFailed()
    if _hasher.check_needs_rehash(user[0]):
        add_staff(db, username.strip(), user[1], password)
    return user[1]


def session_secret(db: Database) -> bytes:
    table = db.t("page_secrets")
    with db.begin() as conn:
        value = conn.execute(select(table.c.value).where(table.c.name == "session")).scalar_one()
    return bytes.fromhex(value)


def _mac(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def make_session(secret: bytes, username: str, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    body = f"{username}.{issued}"
    return f"{body}.{_mac(secret, 'session:' + body)}"


def read_session(db: Database, secret: bytes, cookie: str | None) -> str | None:
    """The user name of a valid, unexpired session of an enabled account, else None."""
    body, _, mac = (cookie or "").rpartition(".")
    username, _, issued = body.rpartition(".")
    if not username or not issued.isdigit():
        return None
    if not hmac.compare_digest(mac, _mac(secret, "session:" + body)):
        return None
    if time.time() - int(issued) > SESSION_SECONDS:
        return None
    return username if _active_user(db, username) else None


def csrf_token(secret: bytes, bound_to: str) -> str:
    """The token forms must echo, bound to the session (or pre-login) cookie."""
    return _mac(secret, "csrf:" + bound_to)


def csrf_ok(secret: bytes, bound_to: str | None, given: str | None) -> bool:
    if not bound_to or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, bound_to), given)
