"""Clerks: password sign-in with lockout, and roles enforced in the service layer.

Passwords are hashed with argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane): slow
enough to make a stolen database expensive to crack, fast enough (~50 ms) at the counter.
Five failures in a row lock the clerk ID for 15 minutes. Every sign-in, failure and lock is
in the audit log. Roles rank clerk < supervisor < admin: a role allows everything the lower
ones do, and services call `require_role` themselves, so no UI can skip the check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import argon2

from counter_app.errors import (
    AuthenticationFailed,
    ConflictError,
    LockedOut,
    NotFound,
    PermissionDenied,
)
from counter_app.store import audit
from counter_app.store.db import Store
from forms.text import Text

ROLES = ("clerk", "supervisor", "admin")
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD = 8
HASHER = argon2.PasswordHasher(
    time_cost=2, memory_cost=19 * 1024, parallelism=1, type=argon2.Type.ID
)
# A fixed hash with HASHER's parameters, verified for unknown clerk IDs so they take as long
# as a real check. A literal, not HASHER.hash() at import: that cost ~60-110 ms of every
# start of the window (measured by bench/, see docs/performance.md).
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$ponu7i+G6Hax1iQWpLF1Ag$BlV8t4dscpiv1ngkuB31xg4A3zo698QUYFrGs1VkecQ"  # noqa: E501
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in clerk: what services need to know who acts and what they may do."""

    clerk_id: str
    name: str
    role: str
    started_at: datetime


def require_role(session: Session | None, role: str) -> Session:
    """`session` if its role is `role` or higher; PermissionDenied otherwise."""
    if session is None or ROLES.index(session.role) < ROLES.index(role):
        raise PermissionDenied(
            Text(f"此操作需要{_ROLE_ZH[role]}权限。", f"This needs the {role} role.")
        )
    return session


_ROLE_ZH = {"clerk": "窗口人员", "supervisor": "主管", "admin": "管理员"}
_BAD_LOGIN = Text("工号或密码错误。", "Wrong clerk ID or password.")


def add_clerk(
    store: Store,
    clerk_id: str,
    name: str,
    password: str,
    role: str = "clerk",
    *,
    actor: Session | None = None,
    now: Clock = utcnow,
) -> None:
    """Create a clerk. Needs an admin session, except for the very first clerk (set-up)."""
    _check_new_clerk(clerk_id, name, password, role)
    with store.transaction():
        if store.scalar("SELECT COUNT(*) FROM clerks") or actor is not None:
            require_role(actor, "admin")
        if store.scalar("SELECT 1 FROM clerks WHERE clerk_id = ?", (clerk_id,)):
            raise ConflictError(Text(f"工号 {clerk_id} 已存在。", f"Clerk {clerk_id} exists."))
        store.insert(
            "clerks",
            {
                "clerk_id": clerk_id,
                "name": name,
                "role": role,
                "password_hash": HASHER.hash(password),
                "created_at": now().isoformat(),
            },
        )
        audit.append(
            store,
            actor.clerk_id if actor else "setup",
            "clerk.add",
            clerk_id,
            {"role": role},
            at=now(),
        )


def _check_new_clerk(clerk_id: str, name: str, password: str, role: str) -> None:
    if role not in ROLES:
        raise ConflictError(Text(f"未知角色：{role}", f"Unknown role: {role}"))
    if not clerk_id.strip() or not name.strip():
        raise ConflictError(Text("工号和姓名不能为空。", "Clerk ID and name are required."))
    if len(password) < MIN_PASSWORD:
        raise ConflictError(
            Text(
                f"密码至少需要 {MIN_PASSWORD} 个字符。",
                f"The password needs at least {MIN_PASSWORD} characters.",
            )
        )


def authenticate(store: Store, clerk_id: str, password: str, now: Clock = utcnow) -> Session:
    """Check a password and open a session; counts failures and locks after five."""
    when = now()
    row = store.one("SELECT * FROM clerks WHERE clerk_id = ? AND active = 1", (clerk_id,))
    if row is None:
        _verify(_DUMMY_HASH, password)  # same time as a real check: IDs are not revealed
        audit.append(store, clerk_id, "login.failed", clerk_id, {"reason": "unknown"}, at=when)
        raise AuthenticationFailed(_BAD_LOGIN)
    _refuse_if_locked(row, when)
    if not _verify(row["password_hash"], password):
        _record_failure(store, row, when)
    return _record_success(store, row, password, when)


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except argon2.exceptions.VerificationError:
        return False
    except argon2.exceptions.InvalidHashError:
        return False


def _refuse_if_locked(row: dict[str, object], when: datetime) -> None:
    locked = row["locked_until"]
    if locked and datetime.fromisoformat(str(locked)) > when:
        until = datetime.fromisoformat(str(locked))
        minutes = max(1, int((until - when).total_seconds() + 59) // 60)
        raise LockedOut(
            Text(
                f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试。",
                f"Too many wrong passwords: locked, try again in {minutes} min.",
            ),
            until,
        )


def _record_failure(store: Store, row: dict[str, object], when: datetime) -> None:
    failures = int(str(row["failed_attempts"])) + 1
    clerk_id = str(row["clerk_id"])
    with store.transaction():
        if failures >= MAX_FAILURES:
            store.execute(
                "UPDATE clerks SET failed_attempts = 0, locked_until = ? WHERE clerk_id = ?",
                ((when + LOCK_FOR).isoformat(), clerk_id),
            )
            audit.append(
                store,
                clerk_id,
                "login.locked",
                clerk_id,
                {"minutes": LOCK_FOR.seconds // 60},
                at=when,
            )
        else:
            store.execute(
                "UPDATE clerks SET failed_attempts = ? WHERE clerk_id = ?", (failures, clerk_id)
            )
        audit.append(store, clerk_id, "login.failed", clerk_id, {"failures": failures}, at=when)
    if failures >= MAX_FAILURES:
        _refuse_if_locked({"locked_until": (when + LOCK_FOR).isoformat()}, when)
    raise AuthenticationFailed(_BAD_LOGIN)


def _record_success(store: Store, row: dict[str, object], password: str, when: datetime) -> Session:
    clerk_id = str(row["clerk_id"])
    with store.transaction():
        store.execute(
            "UPDATE clerks SET failed_attempts = 0, locked_until = NULL WHERE clerk_id = ?",
            (clerk_id,),
        )
        if HASHER.check_needs_rehash(str(row["password_hash"])):
            store.execute(
                "UPDATE clerks SET password_hash = ? WHERE clerk_id = ?",
                (HASHER.hash(password), clerk_id),
            )
        audit.append(store, clerk_id, "login.ok", clerk_id, at=when)
    return Session(clerk_id, str(row["name"]), str(row["role"]), when)


def get_clerk(store: Store, clerk_id: str) -> dict[str, object]:
    """The clerk's row without the password hash; NotFound for unknown or inactive IDs."""
    row = store.one(
        "SELECT clerk_id, name, role, active, locked_until, created_at FROM clerks "
        "WHERE clerk_id = ?",
        (clerk_id,),
    )
    if row is None or not row["active"]:
        raise NotFound(Text(f"没有工号为 {clerk_id} 的人员。", f"No clerk with ID {clerk_id}."))
    return row


def list_clerks(store: Store) -> list[dict[str, object]]:
    return store.query(
        "SELECT clerk_id, name, role, active, locked_until FROM clerks ORDER BY clerk_id"
    )
