"""The append-only, hash-chained audit log.

Every row's hash covers its own content and the previous row's hash, so editing a row,
deleting one or changing their order breaks the chain where it happened, and `verify()`
says where. Triggers refuse UPDATE and DELETE on `audit_log`; the chain catches whoever
drops the triggers. The head (last seq and hash) is also kept in `settings` (and pushed to
the platform by sync), and outside the database in the head file; entries about an
application carry the state of its rows, which `verify()` recomputes
(`counter_app.store.audit_anchors`): rows cut off the end, and applications changed or
added with the sqlite3 shell, are reported too.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from counter_app.store import audit_anchors as anchors
from counter_app.store.db import Store
from forms.text import Text
from sync.canonical import canonical_json

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
#: `Store.memo` key of the chain's (last seq, hash) within the open transaction: a page of
#: pulled changes appends hundreds of entries, and reading the head back each time was a
#: statement per entry.
_LAST = "audit.last"
_INSERT = (
    "INSERT INTO audit_log (seq, at, actor, action, entity, detail, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
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
    material = canonical_json([seq, at, actor, action, entity, detail, prev])
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
        last_seq, prev = store.memo.get(_LAST) or head(store)
        seq = last_seq + 1
        when = (at or datetime.now(UTC)).isoformat()
        state = anchors.state_of(store, entity)
        body = canonical_json((detail or {}) | ({anchors.STATE: state} if state else {}))
        digest = _hash(seq, when, actor, action, entity, body, prev)
        store.execute(_INSERT, (seq, when, actor, action, entity, body, prev, digest))
        store.memo[_LAST] = (seq, digest)  # the next append of this transaction starts here
        if _deferred.get() is not store:
            store.set_setting(HEAD_KEY, f"{seq}:{digest}")
        store.after_commit(anchors.HEAD_FILE, anchors.write_head_file)
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
    """Walk the chain and report every row that was edited, deleted or moved, a head
    (setting or file) the chain no longer reaches, and applications whose rows differ from
    what their latest entry recorded."""
    problems: list[AuditProblem] = []
    expected_seq, prev = 1, GENESIS
    count = 0
    latest: dict[str, tuple[int, str]] = {}
    for row in store.query("SELECT * FROM audit_log ORDER BY seq"):
        count += 1
        problems.extend(_check_row(row, expected_seq, prev))
        expected_seq, prev = row["seq"] + 1, row["hash"]
        if (state := anchors.stated(row["detail"])) is not None:
            latest[row["entity"]] = (row["seq"], state)
    problems.extend(_check_head(store, expected_seq - 1, prev))
    problems.extend(_check_head_file(store, expected_seq - 1))
    problems.extend(_check_states(store, latest))
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


def _check_head_file(store: Store, last_seq: int) -> list[AuditProblem]:
    recorded = anchors.read_head_file(store)
    if recorded is None:
        if last_seq and anchors.head_file(store) is not None:
            return [AuditProblem(last_seq, Text("链头文件缺失", "the head file is missing"))]
        return []
    seq, digest = recorded
    if seq < 0:
        return [AuditProblem(0, Text("链头文件无法读取", "the head file cannot be read"))]
    if seq > last_seq:
        text = Text(
            f"日志末尾的记录缺失：链头文件记录了 {seq} 条，现有 {last_seq} 条",
            f"entries at the end are missing: the head file records {seq}, {last_seq} present",
        )
        return [AuditProblem(seq, text)]
    if store.scalar("SELECT hash FROM audit_log WHERE seq = ?", (seq,)) != digest:
        text = Text(
            f"第 {seq} 条记录与链头文件不符（日志被重写）",
            f"entry {seq} differs from the head file (the log was rewritten)",
        )
        return [AuditProblem(seq, text)]
    return []


def _check_states(store: Store, latest: dict[str, tuple[int, str]]) -> list[AuditProblem]:
    changed, unrecorded = anchors.changed_applications(store, latest)
    found = [
        AuditProblem(
            seq,
            Text(
                f"申请 {no} 的数据在日志之外被改动（受理号、状态、申请人、材料等）",
                f"application {no} was changed outside the program (number, status, "
                "applicant, materials...)",
            ),
        )
        for seq, no in changed
    ]
    found += [
        AuditProblem(
            0,
            Text(
                f"申请 {no} 没有审计记录（在程序之外加入）",
                f"application {no} has no audit entry (added outside the program)",
            ),
        )
        for no in unrecorded
    ]
    return found


def against_platform(store: Store, seq: int, digest: str) -> list[AuditProblem]:
    """The last head the platform holds, (seq, hash), against the local chain: the entry
    must still be here with that hash (an honest chain only grows past it)."""
    if seq <= 0:
        return []
    here = store.scalar("SELECT hash FROM audit_log WHERE seq = ?", (seq,))
    if here is None:
        text = Text(
            f"平台保存的链头是第 {seq} 条，本机已没有这条记录（记录被删除）",
            f"the platform holds entry {seq} as the head; it is gone here (entries deleted)",
        )
    elif here != digest:
        text = Text(
            f"第 {seq} 条记录与平台保存的链头不符（日志被重写）",
            f"entry {seq} differs from the head the platform holds (the log was rewritten)",
        )
    else:
        return []
    return [AuditProblem(seq, text)]
