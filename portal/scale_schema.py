"""Indexes for the platform at province scale (issue 17), versions 80-84.

- `ix_apps_accepted` (accepted_at, uuid): open data's and the 好差评 figures' date range,
  and the back office's keyset paging (newest first, uuid breaking ties);
- `ix_apps_hall_accepted` (hall, accepted_at, uuid): the same, for one hall;
- `ix_events_settled` (uuid, status, at): "the first settled event" of one application
  (`portal.pages.grouped`, `office_data.settled_times`) read from the index alone.

Plans on PostgreSQL with 1,000,000 applications are in docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, case, delete, func, insert, inspect, select, text

INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_apps_accepted ON applications (accepted_at, uuid)",
    "CREATE INDEX IF NOT EXISTS ix_apps_hall_accepted ON applications (hall, accepted_at, uuid)",
    "CREATE INDEX IF NOT EXISTS ix_events_settled ON status_events (uuid, status, at)",
)


def v80_scale_indexes(conn: Connection) -> None:
    for statement in INDEXES:
        conn.execute(text(statement))


def v90_stats_rollup(conn: Connection) -> None:
    """Open data's rollup (`portal.pages.rollup`): its tables, filled set-based from what
    is stored (a few INSERT ... SELECT ... GROUP BY; minutes for ten million applications)."""
    from portal.pages import (  # here: they import portal.db, which imports this
        rollup,
        rollup_tables,
    )

    rollup_tables.md.create_all(conn)
    rollup.rebuild(conn)


def v91_rollup_cases(conn: Connection) -> None:
    """Bad-rating cases into the rollup: three counts per cell (added to a rollup made by
    version 90 before they existed) and the open ones by deadline, counted afresh."""
    from portal.pages import rollup, rollup_tables

    have = {c["name"] for c in inspect(conn).get_columns("stats_cells")}
    for name in rollup_tables.CASES:
        if name not in have:
            added = f"ALTER TABLE stats_cells ADD COLUMN {name} INTEGER NOT NULL DEFAULT 0"
            conn.execute(text(added))
    rollup.recount_cases(conn, rollup.stored_days(conn))


def v92_rollup_months(conn: Connection) -> None:
    """Month rows beside the day rows (`whole` 2 and 3, `day` "YYYY-MM"), summed from the
    day rows already counted: every count is a sum, so a month's is its days'."""
    from portal.pages import rollup_tables as t

    c, names = t.cells.c, t.COUNTS + t.CODES + t.CASES
    conn.execute(delete(t.cells).where(c.whole.in_([t.MONTH, t.MONTH_PER_WINDOW])))
    level = case(t.MONTH_LEVEL, value=c.whole)
    keys = [level, t.month_of(c.day), c.hall, c.item, c.window]
    summed = (
        select(*keys, *(func.sum(c[n]) for n in names))
        .where(c.whole.in_([t.PER_WINDOW, t.WHOLE]))
        .group_by(*keys)
    )
    conn.execute(insert(t.cells).from_select([*t.KEY, *names], summed))


SCALE_MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (80, "indexes for open data, figures and keyset paging", v80_scale_indexes),
)
#: After the pages' tables (item limits, ratings): applied last (`portal.migrations`).
ROLLUP_MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (90, "open data's rollup kept on write", v90_stats_rollup),
    (91, "bad-rating cases in open data's rollup", v91_rollup_cases),
    (92, "months in open data's rollup", v92_rollup_months),
)
