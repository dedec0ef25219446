"""Writing what the platform reports: status changes of this terminal's applications.

Idempotent by the platform's event ID (`remote_id` is UNIQUE), because the sync engine may
pull the same page again after a lost reply. Events can arrive out of order, so the
application's status is the one of its latest platform event by the platform's time,
whatever the arrival order. Times from the two clocks are never compared: a terminal clock
hours fast would otherwise keep "received" above every later platform event. A local void
is final (the platform cannot set or undo it); the first local event counts only until the
platform reports one.

The sync engine applies a whole page of changes in one transaction, so what matters here is
the statements per change: one lookup, the event insert (which is also the duplicate check:
`ON CONFLICT(remote_id) DO NOTHING`), one UPDATE that works the status out in SQL, and the
audit entry.
"""

from __future__ import annotations

from datetime import datetime

from counter_app.store import audit
from counter_app.store.db import Store
from counter_app.store.submissions import find_row
from sync.statuses import SETTLED

_SETTLED = {f"settled{i}": s for i, s in enumerate(sorted(s.value for s in SETTLED))}
_SETTLED_IN = "(" + ",".join(f":{name}" for name in _SETTLED) + ")"

#: The status is the top event by this order (a void first, then the platform's latest);
#: `settled_at` is when the work first reached a settled state (the statistics' completion
#: time), kept only while the status is a settled one. One statement instead of reading
#: the events back into Python.
_REFRESH = f"""
UPDATE submissions SET status = latest.status, settled_at = CASE
    WHEN latest.status IN {_SETTLED_IN} THEN (SELECT MIN(at) FROM status_events
        WHERE uuid = :uuid AND status IN {_SETTLED_IN}) END
FROM (SELECT status FROM status_events WHERE uuid = :uuid
      ORDER BY status = 'voided' DESC, source = 'portal' DESC, at DESC, id DESC LIMIT 1)
    AS latest
WHERE submissions.uuid = :uuid
"""
_BY_UUID = "SELECT uuid, receipt_no FROM submissions WHERE uuid = ?"
_INSERT = (
    "INSERT INTO status_events (uuid, status, note, source, at, remote_id)"
    " VALUES (?, ?, ?, 'portal', ?, ?) ON CONFLICT(remote_id) DO NOTHING"
)


def apply_remote_status(
    store: Store, key: str, status: str, note: str, at: datetime, remote_id: str
) -> bool:
    """Record a platform status event for the application `key` (UUID or receipt number).
    Returns False when `remote_id` was applied before; NotFound for an unknown application."""
    with store.transaction():
        # the engine passes the UUID: one indexed lookup before the receipt-number parsing
        row = store.one(_BY_UUID, (key,)) or find_row(store, key, "uuid, receipt_no")
        uuid, receipt_no = row["uuid"], row["receipt_no"]
        if not store.execute(_INSERT, (uuid, status, note or "", at.isoformat(), remote_id)):
            return False
        store.execute(_REFRESH, {"uuid": uuid, **_SETTLED})
        audit.append(
            store,
            "portal",
            "status.remote",
            receipt_no,
            {"status": status, "remote_id": remote_id},
            at=at,
        )
    return True
