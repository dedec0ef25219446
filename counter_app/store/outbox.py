"""The sync outbox: what must still go up to the platform, written in the same transaction
as the change it carries, so nothing accepted offline can be forgotten.

Kinds and payloads (JSON):
  "submission"  the full snapshot of a new application (see `submissions.snapshot`),
                immutable: same uuid, same content_hash, whenever it is sent again
  "status"      a status change made at the counter (void): {uuid, receipt_no, status, note, at}
  "rating"      one 好差评 rating (`counter_app.intake.ratings`): {rating_uuid, uuid (the
                application), receipt_no, code, channel, service_event, count, sub-scores,
                comment, region, at}; before the standard codes: {uuid, receipt_no, rating, at}

The sync engine reads `pending()`, and after the platform confirmed calls `mark_done()`;
a failed pass is `mark_retry()` on what is still pending (backoff is the engine's
decision), a permanent refusal `set_aside()` so it does not block the rest; `requeue()`
sends one record again.
For "submission" entries the submission's `sync_state` follows the entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from counter_app.errors import NotFound
from counter_app.store.db import Store
from forms.text import Text
from sync.canonical import canonical_json


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    kind: str
    entity_uuid: str
    payload: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime


def _iso(when: datetime | None) -> str:
    return (when or datetime.now(UTC)).astimezone(UTC).isoformat()


def _entry(row: dict[str, Any]) -> OutboxEntry:
    return OutboxEntry(
        id=row["id"],
        kind=row["kind"],
        entity_uuid=row["entity_uuid"],
        payload=json.loads(row["payload"]),
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=datetime.fromisoformat(row["next_attempt_at"]),
        last_error=row["last_error"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


def enqueue(
    store: Store, kind: str, entity_uuid: str, payload: dict[str, Any], now: datetime | None = None
) -> int:
    """Add an entry (call inside the transaction that makes the change)."""
    when = _iso(now)
    return store.insert(
        "outbox",
        {
            "kind": kind,
            "entity_uuid": entity_uuid,
            "payload": canonical_json(payload),
            "next_attempt_at": when,
            "created_at": when,
        },
    )


def pending(
    store: Store, limit: int = 100, now: datetime | None = None, after_id: int = 0
) -> list[OutboxEntry]:
    """Entries due by `now`, oldest first; only those with IDs above `after_id` (the sync
    engine reads the next batch while the one before is still pending on the wire)."""
    rows = store.query(
        "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? AND id > ?"
        " ORDER BY id LIMIT ?",
        (_iso(now), after_id, limit),
    )
    return [_entry(r) for r in rows]


def get(store: Store, entry_id: int) -> OutboxEntry:
    row = store.one("SELECT * FROM outbox WHERE id = ?", (entry_id,))
    if row is None:
        raise NotFound(Text(f"待同步队列中没有第 {entry_id} 项。", f"No outbox entry {entry_id}."))
    return _entry(row)


def mark_done(store: Store, ids: Iterable[int]) -> None:
    """The platform confirmed these entries (a batch: two statements for all of them, in
    the caller's transaction or one of their own)."""
    done = canonical_json(list(ids))
    with store.transaction():
        store.execute(
            "UPDATE outbox SET state = 'done', last_error = NULL"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (done,),
        )
        store.execute(
            "UPDATE submissions SET sync_state = 'synced', sync_error = NULL WHERE uuid IN"
            " (SELECT entity_uuid FROM outbox WHERE kind = 'submission'"
            " AND id IN (SELECT value FROM json_each(?)))",
            (done,),
        )


def mark_retry(
    store: Store, entry_ids: Iterable[int], error: str, next_attempt_at: datetime
) -> None:
    """A pass stopped: note `error` on those of these entries still pending (one statement)."""
    with store.transaction():
        store.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
            "WHERE state = 'pending' AND id IN (SELECT value FROM json_each(?))",
            (error, _iso(next_attempt_at), canonical_json(list(entry_ids))),
        )


def set_aside(store: Store, entry_id: int, reason: str, sync_state: str = "rejected") -> None:
    """The platform keeps refusing this entry: park it with the reason (shown to staff).
    `sync_state` "conflict" marks a submission the platform holds with other content."""
    with store.transaction():
        store.execute(
            "UPDATE outbox SET state = 'set_aside', attempts = attempts + 1, last_error = ? "
            "WHERE id = ?",
            (reason, entry_id),
        )
        _follow(store, entry_id, sync_state, reason)


def requeue(store: Store, uuid: str, now: datetime | None = None) -> int:
    """Send one application again by hand: its entries go back to pending, due now.
    Returns how many entries were requeued; NotFound when the application has none."""
    with store.transaction():
        changed = store.execute(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, "
            "last_error = NULL WHERE entity_uuid = ?",
            (_iso(now), uuid),
        )
        if not changed:
            raise NotFound(Text(f"没有需要同步的记录：{uuid}", f"Nothing to sync for {uuid}."))
        store.execute(
            "UPDATE submissions SET sync_state = 'pending', sync_error = NULL WHERE uuid = ?",
            (uuid,),
        )
    return changed


def backlog(store: Store) -> tuple[int, datetime | None]:
    """(entries waiting, creation time of the oldest): the sync indicator's numbers."""
    row = store.one(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE state = 'pending'"
    )
    assert row is not None
    oldest = datetime.fromisoformat(row["oldest"]) if row["oldest"] else None
    return int(row["n"]), oldest


#: Applications waiting, and the distinct files they bring with the files' bytes.
_BACKLOG = """
WITH waiting AS (SELECT DISTINCT entity_uuid AS uuid FROM outbox
                 WHERE state = 'pending' AND kind = 'submission')
SELECT (SELECT COUNT(*) FROM waiting) AS applications, COUNT(*) AS files,
       COALESCE(SUM(size), 0) AS bytes
FROM materials WHERE sha256 IN (
    SELECT sm.sha256 FROM submission_materials sm JOIN waiting w ON w.uuid = sm.uuid)
"""


def backlog_size(store: Store) -> tuple[int, int, int]:
    """(applications waiting, distinct material files they bring, those files' bytes): what
    a sync pass has ahead of it, for its progress."""
    row = store.one(_BACKLOG)
    assert row is not None
    return int(row["applications"]), int(row["files"]), int(row["bytes"])


def set_aside_entries(store: Store) -> list[OutboxEntry]:
    """Entries parked after a permanent refusal, for the supervisor to look at."""
    return [
        _entry(r) for r in store.query("SELECT * FROM outbox WHERE state = 'set_aside' ORDER BY id")
    ]


def _follow(store: Store, entry_id: int, state: str, error: str | None) -> None:
    store.execute(
        "UPDATE submissions SET sync_state = ?, sync_error = ? WHERE uuid = "
        "(SELECT entity_uuid FROM outbox WHERE id = ? AND kind = 'submission')",
        (state, error, entry_id),
    )
