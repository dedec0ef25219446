"""The append-only, hash-chained audit log.

Every row's hash covers its own content and the previous row's hash, so editing a row,
deleting one or changing their order breaks the chain where it happened, and `verify()`
says where. Triggers refuse UPDATE and DELETE on `audit_log`; the chain catches whoever
drops the triggers. The head (last seq and hash) is also kept in `settings` (and pushed to
the platform by sync), which catches rows cut off the end.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from counter_app.store.db import Store, dumps
from forms.text import Text

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
#: The store whose head setting is written once at the end of `one_head_write` (this thread).
_deferred: ContextVar[Store | None] = ContextVar("audit_head_deferred", default=None)


@dataclass(frozen=True, slots=True)
class AuditProblem:
    seq: int
    text: Text


@dataclass(frozen=True, slots=True)
class AuditReport:
    """`ok` when the chain is intact; otherwise `problems` names each broken row."""

    rows: int
    head: str
    problems: tuple[AuditProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def _hash(seq: int, at: str, actor: str, action: str, entity: str, detail: str, prev: str) -> str:
    material = dumps([seq, at, actor, action, entity, detail, prev])
    return hashlib.sha256(material.encode()).hexdigest()


def append(
    store: Store,
    actor: str,
    action: str,
    entity: str = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Append one entry (inside the caller's transaction, or its own); returns its seq.
    Never put secrets (passwords, tokens) in `detail`."""
    with store.transaction():
        last = store.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        seq = last["seq"] + 1 if last else 1
        prev = last["hash"] if last else GENESIS
        when = (at or datetime.now(UTC)).isoformat()
        body = dumps(detail or {})
        digest = _hash(seq, when, actor, action, entity, body, prev)
        store.insert(
            "audit_log",
            {
                "seq": seq,
                "at": when,
                "actor": actor,
                "action": action,
                "entity": entity,
                "detail": body,
                "prev_hash": prev,
                "hash": digest,
            },
        )
        if _deferred.get() is not store:
            store.set_setting(HEAD_KEY, f"{seq}:{digest}")
    return seq


@contextlib.contextmanager
def one_head_write(store: Store) -> Iterator[None]:
    """One transaction in which many entries are appended (a page of pulled status changes)
    and the head setting is written once, at the end, from the chain itself: the committed
    state is the same as with a head write per entry, and an entry rolled back to a
    savepoint inside leaves no stale head behind."""
    with store.transaction():
        token = _deferred.set(store)
        try:
            yield
        finally:
            _deferred.reset(token)
        seq, digest = head(store)
        if seq:
            store.set_setting(HEAD_KEY, f"{seq}:{digest}")


def head(store: Store) -> tuple[int, str]:
    """(last seq, its hash): what sync reports to the platform as the chain head."""
    row = store.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    return (row["seq"], row["hash"]) if row else (0, GENESIS)


def entries(store: Store, entity: str | None = None) -> list[dict[str, Any]]:
    """Audit rows in order (for one entity when given)."""
    if entity is None:
        return store.query("SELECT * FROM audit_log ORDER BY seq")
    return store.query("SELECT * FROM audit_log WHERE entity = ? ORDER BY seq", (entity,))


def verify(store: Store) -> AuditReport:
    """Walk the chain and report every row that was edited, deleted or moved."""
    problems: list[AuditProblem] = []
    expected_seq, prev = 1, GENESIS
    count = 0
    for row in store.query("SELECT * FROM audit_log ORDER BY seq"):
        count += 1
        problems.extend(_check_row(row, expected_seq, prev))
        expected_seq, prev = row["seq"] + 1, row["hash"]
    problems.extend(_check_head(store, expected_seq - 1, prev))
    return AuditReport(rows=count, head=prev, problems=tuple(problems))


def _check_row(row: dict[str, Any], expected_seq: int, prev: str) -> list[AuditProblem]:
    seq = row["seq"]
    found = []
    if seq != expected_seq:
        found.append(
            AuditProblem(
                seq,
                Text(
                    f"第 {expected_seq} 至 {seq - 1} 条记录缺失（被删除）",
                    f"entries {expected_seq} to {seq - 1} are missing (deleted)",
                ),
            )
        )
    elif row["prev_hash"] != prev:
        found.append(
            AuditProblem(
                seq,
                Text(
                    f"第 {seq} 条记录与前一条不衔接（顺序被改动）",
                    f"entry {seq} does not follow the previous one (order changed)",
                ),
            )
        )
    digest = _hash(
        seq, row["at"], row["actor"], row["action"], row["entity"], row["detail"], row["prev_hash"]
    )
    if digest != row["hash"]:
        found.append(
            AuditProblem(seq, Text(f"第 {seq} 条记录的内容被修改", f"entry {seq} was edited"))
        )
    return found


def _check_head(store: Store, last_seq: int, last_hash: str) -> list[AuditProblem]:
    recorded = store.get_setting(HEAD_KEY)
    if recorded is None or recorded == f"{last_seq}:{last_hash}":
        return []
    seq = int(recorded.split(":", 1)[0])
    return [
        AuditProblem(
            seq,
            Text(
                f"日志末尾的记录缺失：应有 {seq} 条，现有 {last_seq} 条",
                f"entries at the end are missing: {seq} recorded, {last_seq} present",
            ),
        )
    ]
