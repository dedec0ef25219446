"""Writing what the platform reports: status changes of this terminal's applications.

Idempotent by the platform's event ID (`remote_id` is UNIQUE), because the sync engine may
pull the same page again after a lost reply. Events can arrive out of order, so the
application's status is the one of its latest platform event by the platform's time,
whatever the arrival order. Times from the two clocks are never compared: a terminal clock
hours fast would otherwise keep "received" above every later platform event. A local void
is final (the platform cannot set or undo it); the first local event counts only until the
platform reports one.
"""

from __future__ import annotations

from datetime import datetime

from counter_app import audit
from counter_app.store.db import Store
from sync.statuses import SETTLED


def apply_remote_status(
    store: Store, key: str, status: str, note: str, at: datetime, remote_id: str
) -> bool:
    """Record a platform status event for the application `key` (UUID or receipt number).
    Returns False when `remote_id` was applied before; NotFound for an unknown application."""
    from counter_app.submissions import add_event, find_row

    with store.transaction():
        if store.scalar("SELECT 1 FROM status_events WHERE remote_id = ?", (remote_id,)):
            return False
        row = find_row(store, key)
        add_event(store, row["uuid"], status, note or "", "portal", at, remote_id)
        _refresh_status(store, row["uuid"])
        audit.append(
            store,
            "portal",
            "status.remote",
            row["receipt_no"],
            {"status": status, "remote_id": remote_id},
            at=at,
        )
    return True


def _refresh_status(store: Store, uuid: str) -> None:
    latest = store.one(
        "SELECT status, at FROM status_events WHERE uuid = ?"
        " ORDER BY status = 'voided' DESC, source = 'portal' DESC, at DESC, id DESC LIMIT 1",
        (uuid,),
    )
    assert latest is not None
    settled = _settled_at(store, uuid) if latest["status"] in SETTLED else None
    store.execute(
        "UPDATE submissions SET status = ?, settled_at = ? WHERE uuid = ?",
        (latest["status"], settled, uuid),
    )


def _settled_at(store: Store, uuid: str) -> str | None:
    """When the work first reached a settled state (the statistics' completion time)."""
    marks = ",".join("?" for _ in SETTLED)
    value = store.scalar(
        f"SELECT MIN(at) FROM status_events WHERE uuid = ? AND status IN ({marks})",
        (uuid, *sorted(s.value for s in SETTLED)),
    )
    return None if value is None else str(value)
