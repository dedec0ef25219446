"""Lookup rate limits per client address, counted in the database.

Why the database: the app servers are stateless behind a load balancer, so a counter in one
process would let a guesser multiply their budget by the number of servers. A fixed window
per address is one row (`bucket` = address + window number) bumped by an upsert, which
SQLite and PostgreSQL both do atomically, and which hands back the new count in the same
statement (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING hits`): one round trip a lookup.

Old windows of the same limit are dropped by each app-server process once per window (the
first hit it counts in a new window), not once per address: with thousands of addresses
that was a DELETE on nearly every lookup. The table still holds at most about two windows
of rows, whichever server deletes. Each limit has its own `name` prefix, so one limit's
clean-up (a 5-minute login window) never wipes another's counters (an hour-long tracking
window).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete

from portal.db import Database


@dataclass(frozen=True)
class Limit:
    """At most `hits` lookups per `window` seconds from one address."""

    hits: int = 30
    window: int = 600
    name: str = "track"


def _upsert(db: Database) -> Any:
    """The count's one statement, built once per database (`Database.remember`)."""
    table = db.t("rate_hits")
    stmt = db.insert(table).values(
        bucket=bindparam("bucket"), hits=1, window_start=bindparam("start")
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.bucket], set_={"hits": table.c.hits + 1}
    )
    return stmt.returning(table.c.hits)


def _sweep(db: Database, conn: Connection, limit: Limit, window_no: int) -> None:
    """Drop this limit's windows before the last, the first time this process counts a hit
    in window `window_no` (any other window than the one it last swept in: a clock set back
    or a fresh database sweeps too)."""
    key = ("ratelimit swept", limit.name, limit.window)
    swept: list[int | None] = db.remember(key, lambda: [None])
    if swept[0] == window_no:
        return
    swept[0] = window_no
    table = db.t("rate_hits")
    mine = table.c.bucket.startswith(f"{limit.name}|", autoescape=True)
    old = table.c.window_start < (window_no - 1) * limit.window
    conn.execute(delete(table).where(mine, old))


def hit(db: Database, address: str, limit: Limit, now: float | None = None) -> int | None:
    """Count one lookup from `address`. Returns None when allowed, else the seconds until
    the window ends (the Retry-After)."""
    with db.autocommit() as conn:
        return count(conn, db, address, limit, now)


def count(
    conn: Connection, db: Database, address: str, limit: Limit, now: float | None = None
) -> int | None:
    """`hit` on a connection the caller holds (in autocommit on PostgreSQL: the count is one
    statement and commits at once), so a page can count and read on one pool checkout."""
    now = time.time() if now is None else now
    window_no = int(now // limit.window)
    start = window_no * limit.window
    bucket = f"{limit.name}|{window_no}|{address}"[:120]
    upsert = db.remember(_upsert, lambda: _upsert(db))
    hits = int(db.first(conn, upsert, {"bucket": bucket, "start": start})[0])
    _sweep(db, conn, limit, window_no)
    if hits <= limit.hits:
        return None
    return max(1, int(start + limit.window - now))
