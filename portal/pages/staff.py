"""Department staff of the back office: accounts, passwords, session cookies, CSRF tokens.

- Passwords are argon2id hashes (argon2-cffi's defaults: RFC 9106 low-memory profile,
  stronger than OWASP's minimum), re-hashed on login when the parameters change.
- The session is a signed cookie naming a server-side session: `username.issued.sid.mac`
  with an HMAC-SHA256 over the first three parts, keyed by a secret kept in the database
  (`page_secrets`), so every app server accepts every other's cookies; `staff_sessions`
  holds the SHA-256 of each `sid`, so logging out revokes that session on the server and a
  copied cookie stops working, and a new password (or disabling) revokes all the user's
  sessions. Sessions expire after `SESSION_SECONDS`.
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
from sqlalchemy import Connection, delete, insert, select, update

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
            _revoke_all(db, conn, username)  # a new password ends every old session


def disable_staff(db: Database, username: str) -> None:
    table = db.t("staff_users")
    with db.begin() as conn:
        done = conn.execute(
            update(table).where(table.c.username == username).values(disabled_at=now_iso())
        )
        _revoke_all(db, conn, username)
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


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("ascii")).hexdigest()


def _revoke_all(db: Database, conn: Connection, username: str) -> None:
    table = db.t("staff_sessions")
    where = (table.c.username == username) & table.c.revoked_at.is_(None)
    conn.execute(update(table).where(where).values(revoked_at=now_iso()))


def make_session(db: Database, secret: bytes, username: str, now: float | None = None) -> str:
    """A new session for `username`, recorded on the server; its cookie value."""
    issued, sid = int(time.time() if now is None else now), secrets.token_urlsafe(18)
    table = db.t("staff_sessions")
    with db.begin() as conn:
        conn.execute(
            insert(table).values(
                sid_hash=_sid_hash(sid), username=username, issued_at=issued, revoked_at=None
            )
        )
        conn.execute(delete(table).where(table.c.issued_at < issued - 2 * SESSION_SECONDS))
    body = f"{username}.{issued}.{sid}"
    return f"{body}.{_mac(secret, 'session:' + body)}"


def _parse(secret: bytes, cookie: str | None) -> tuple[str, int, str] | None:
    """(user name, issued, sid) of a cookie whose MAC is right."""
    body, _, mac = (cookie or "").rpartition(".")
    rest, _, sid = body.rpartition(".")
    username, _, issued = rest.rpartition(".")
    if not username or not issued.isdigit() or not sid:
        return None
    if not hmac.compare_digest(mac, _mac(secret, "session:" + body)):
        return None
    return username, int(issued), sid


def read_session(db: Database, secret: bytes, cookie: str | None) -> str | None:
    """The user name of a valid, unexpired, unrevoked session of an enabled account."""
    parsed = _parse(secret, cookie)
    if parsed is None or time.time() - parsed[1] > SESSION_SECONDS:
        return None
    table = db.t("staff_sessions")
    live = (table.c.sid_hash == _sid_hash(parsed[2])) & table.c.revoked_at.is_(None)
    with db.begin() as conn:
        owner = conn.execute(select(table.c.username).where(live)).scalar_one_or_none()
    if owner != parsed[0]:
        return None
    return owner if _active_user(db, owner) else None


def end_session(db: Database, secret: bytes, cookie: str | None) -> None:
    """Log out: the session is revoked on the server (a copy of the cookie is worthless)."""
    parsed = _parse(secret, cookie)
    if parsed is None:
        return
    table = db.t("staff_sessions")
    with db.begin() as conn:
        where = table.c.sid_hash == _sid_hash(parsed[2])
        conn.execute(update(table).where(where).values(revoked_at=now_iso()))


def csrf_token(secret: bytes, bound_to: str) -> str:
    """The token forms must echo, bound to the session (or pre-login) cookie."""
    return _mac(secret, "csrf:" + bound_to)


def csrf_ok(secret: bytes, bound_to: str | None, given: str | None) -> bool:
    if not bound_to or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, bound_to), given)
