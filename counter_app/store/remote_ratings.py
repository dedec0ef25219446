"""Writing a citizen's rating given on the platform (the tracking page, channel 二维码) into
the local store, so the hall's figures (`counter_app.stats`) count it like one given on the
citizen screen: a row of `ratings` with the standard code (`sync.ratings`, 1 = 非常满意).

Idempotent: the sync engine may pull the same page of changes again after a lost reply, so
a change whose `remote_id` is already here is skipped. The latest word is also kept on the
submission (`submissions.rating`).
"""

from __future__ import annotations

from typing import Any

from counter_app.store import audit
from counter_app.store.db import Store
from counter_app.store.submissions import find_row


def apply_remote_rating(store: Store, change: Any) -> bool:
    """Keep the `sync.protocol.RatingChange` `change`. False when it is already here;
    NotFound for an unknown application."""
    with store.transaction():
        if store.one("SELECT uuid FROM ratings WHERE remote_id = ?", (change.remote_id,)):
            return False
        row = find_row(store, change.uuid, "uuid, receipt_no, clerk_id")
        code = int(change.satisfaction)
        values = {"uuid": f"portal/{change.remote_id}", "submission_uuid": row["uuid"]}
        values |= {"service_event": str(change.service_event), "channel": str(change.channel)}
        values |= {"code": code, "count": change.count, "clerk_id": row["clerk_id"]}
        values |= {"source": "portal", "remote_id": change.remote_id, "at": change.at.isoformat()}
        store.insert("ratings", values)
        store.execute("UPDATE submissions SET rating = ? WHERE uuid = ?", (code, row["uuid"]))
        detail = {"code": code, "remote_id": change.remote_id}
        audit.append(
            store, "citizen", "submission.rating.remote", row["receipt_no"], detail, at=change.at
        )
    return True
