"""Writing a citizen's rating given on the platform's tracking page into the local store, so
the hall's satisfaction figure (`counter_app.stats`) counts it like one given at the counter.

Idempotent: the sync engine may pull the same page of changes again after a lost reply, so
a rating already recorded with the same value is skipped (the platform takes one rating per
application, so a replay always carries the same value). The citizen's latest word counts:
an online rating replaces one given on the counter's second screen.
"""

from __future__ import annotations

from datetime import datetime

from counter_app.store import audit
from counter_app.store.db import Store


def apply_remote_rating(store: Store, key: str, rating: int, at: datetime, remote_id: str) -> bool:
    """Set the rating of the application `key` (UUID or receipt number). Returns False when
    it already holds this rating; NotFound for an unknown application."""
    from counter_app.store.submissions import find_row

    with store.transaction():
        row = find_row(store, key)
        if row["rating"] == rating:
            return False
        store.execute("UPDATE submissions SET rating = ? WHERE uuid = ?", (rating, row["uuid"]))
        audit.append(
            store,
            "citizen",
            "submission.rating.remote",
            row["receipt_no"],
            {"rating": rating, "remote_id": remote_id},
            at=at,
        )
    return True
