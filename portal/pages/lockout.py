"""Per-account back-off for the staff login, on top of the per-address rate limit.

The address limit alone lets a guesser spread attempts over many addresses; this one counts
wrong passwords per user name, wherever they come from. After `Lockout.failures` in a row the
name is locked for `seconds`, doubling with each further failure up to `longest`; a right
password while locked is refused too (else the lock would only slow the guesser down by the
argon2 check). Unknown names are counted like real ones, so the lock does not tell which
names exist. Every lock is logged (the name as `repr`, so it cannot forge log lines). Counts
live in the database (`login_failures`), shared by every app server.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select, update

from forms.text import Text
from portal.db import Database
from portal.errors import PortalError
from portal.pages import staff

log = logging.getLogger(__name__)
FORGET_AFTER = 86_400  # a name's count is dropped a day after its last failure


@dataclass(frozen=True)
class Lockout:
    failures: int = 5
    seconds: int = 60
    longest: int = 3600


class LockedOut(PortalError):
    """Too many wrong passwords for this name: try again after the back-off."""

    status_code = 429

    def __init__(self, wait: int) -> None:
        minutes = max(1, -(-wait // 60))
        super().__init__(
            Text(
                f"该账户密码错误次数过多，已暂时锁定，请 {minutes} 分钟后再试。",
                f"Too many wrong passwords for this account: it is locked, "
                f"try again in {minutes} minute(s).",
            )
        )
        self.retry_after = wait


def _locked_for(db: Database, username: str, now: float) -> int:
    table = db.t("login_failures")
    with db.begin() as conn:
        until = conn.execute(
            select(table.c.locked_until).where(table.c.username == username)
        ).scalar_one_or_none()
    return max(0, int(until - now)) if until else 0


def _count_failure(db: Database, conn: Connection, username: str, now: int) -> int:
    table = db.t("login_failures")
    stmt = db.insert(table).values(username=username, failures=1, locked_until=0, last_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.username],
        set_={"failures": table.c.failures + 1, "last_at": now},
    )
    conn.execute(stmt)
    conn.execute(delete(table).where(table.c.last_at < now - FORGET_AFTER))
    found = select(table.c.failures).where(table.c.username == username)
    return int(conn.execute(found).scalar_one())


def _fail(db: Database, username: str, policy: Lockout, now: int) -> None:
    table = db.t("login_failures")
    with db.begin() as conn:
        failures = _count_failure(db, conn, username, now)
        if failures < policy.failures:
            return
        wait = min(policy.longest, policy.seconds * 2 ** (failures - policy.failures))
        where = table.c.username == username
        conn.execute(update(table).where(where).values(locked_until=now + wait))
    log.warning("staff login %r locked for %d s after %d wrong passwords", username, wait, failures)


def check_password(
    db: Database, username: str, password: str, policy: Lockout, now: float | None = None
) -> str:
    """`staff.check_password` behind the per-account back-off: LockedOut while the name is
    locked (whatever the password), LoginFailed (counted) for a wrong one."""
    name = username.strip()[:64]
    clock = time.time() if now is None else now
    wait = _locked_for(db, name, clock)
    if wait:
        log.warning("staff login %r refused: locked for %d s more", name, wait)
        raise LockedOut(wait)
    try:
        display = staff.check_password(db, name, password)
    except staff.LoginFailed:
        _fail(db, name, policy, int(clock))
        raise
    table = db.t("login_failures")
    with db.begin() as conn:
        conn.execute(delete(table).where(table.c.username == name))
    return display
