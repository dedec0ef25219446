"""Lookup rate limits per client address, counted in the database.

Why the database: the app servers are stateless behind a load balancer, so a counter in one
process would let a guesser multiply their budget by the number of servers. A fixed window
per address is one row (`bucket` = address + window number) bumped by an upsert, which
SQLite and PostgreSQL both do atomically (`INSERT ... ON CONFLICT DO UPDATE`). Old windows
of the same limit are dropped whenever an address opens a new window, so the table stays
small; each limit has its own `name` prefix, so one limit's clean-up (a 5-minute login
window) never wipes another's counters (an hour-long tracking window).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from portal.db import Database


@dataclass(frozen=True)
class Limit:
    """At most `hits` lookups per `window` seconds from one address."""

    hits: int = 30
    window: int = 600
    name: str = "track"


def _upsert(db: Database, conn: Connection, bucket: str, start: int) -> None:
    table = db.t("rate_hits")
    stmt = db.insert(table).values(bucket=bucket, hits=1, window_start=start)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.bucket], set_={"hits": table.c.hits + 1}
    )
    conn.execute(stmt)


def hit(db: Database, address: str, limit: Limit, now: float | None = None) -> int | None:
    """Count one lookup from `address`. Returns None when allowed, else the seconds until
    the window ends (the Retry-After)."""
    now = time.time() if now is None else now
    window_no = int(now // limit.window)
    start = window_no * limit.window
    prefix = f"{limit.name}|"
    bucket = f"{prefix}{window_no}|{address}"[:120]
    table = db.t("rate_hits")
    with db.begin() as conn:
        _upsert(db, conn, bucket, start)
        hits = conn.execute(select(table.c.hits).where(table.c.bucket == bucket)).scalar_one()
        if hits == 1:  # first lookup of a new window: drop this limit's windows before the last
            mine = table.c.bucket.startswith(prefix, autoescape=True)
            conn.execute(delete(table).where(mine, table.c.window_start < start - limit.window))
    if hits <= limit.hits:
        return None
    return max(1, int(start + limit.window - now))
