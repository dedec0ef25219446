"""The tracking page's one statement: an application by its receipt number with its
terminal's code secret and everything the page shows of it — the steps, the clock stops,
the citizen's rating, the hall's replies, the windows that reused its files, its newest
licence, its item's time limit and newest published catalog version.

Why one statement: the page is opened by every citizen with a receipt, and each round trip
to PostgreSQL costs the app server more Python (SQLAlchemy, psycopg, the socket) than the
query costs the database. The page sent ~11 statements in 2 transactions (~17 round trips
with BEGIN, COMMIT and the pool's ping); now the child rows come back as JSON arrays
(`Database.json_rows`) inside the application's row. The statement is built once per
database (`Database.remember`) and reuses psycopg's prepared statement.

Rows are ordered here, in Python, as the separate queries ordered them (steps by time then
id, the rest by id): an aggregate's order is not guaranteed on SQLite. The times are
stored as ISO text in one format (`portal.db.now_iso`), so text order is time order.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select

from portal.db import Database
from portal.licences import Licence
from sync.receipt_numbers import display_receipt_no


@dataclass(frozen=True, slots=True)
class Found:
    """An application as the tracking page reads it (JSON child rows not yet typed)."""

    receipt_no: str
    uuid: str
    terminal_id: str
    service_code: str
    status: str
    notice_items: str
    accepted_at: str
    due_date: str | None
    code_secret: str
    item_version: int | None  # newest published catalog version of the item (None: none)
    limit: int | None  # the back office's time limit for the item, in working days
    rating: int | None  # the citizen's own rating from this page
    steps: list[list[Any]]  # [status, note, source, at, id], by (at, id)
    stops: list[dict[str, Any]]  # clock_stops rows by column name, by id
    replies: list[str]  # the hall's replies to bad ratings, oldest first
    reuses: list[list[Any]]  # [id, hall, window, service_code, at, material_code, version]
    licence: dict[str, Any] | None  # the newest licence's columns, by name
    old_secrets: list[str]  # the code secrets (base64) its terminal had before replacements


#: The fields of `Found` the statement's first 12 columns fill, in order.
_COLUMNS = [f.name for f in fields(Found)][:12]


def _newest_version(db: Database, code: Any) -> Any:
    items = db.t("catalog_items")
    return select(func.max(items.c.version)).where(items.c.code == code).scalar_subquery()


def _children(db: Database, uuid: Any) -> list[Any]:
    """The scalar subqueries of the child rows, correlated to the application's uuid."""
    events, stops, cases = db.t("status_events"), db.t("clock_stops"), db.t("bad_cases")
    lookups, downloads = db.t("lookups"), db.t("lookup_downloads")
    steps = select(
        db.json_rows(events.c.status, events.c.note, events.c.source, events.c.at, events.c.id)
    ).where(events.c.uuid == uuid)
    stopped = select(db.json_rows(*stops.c)).where(stops.c.uuid == uuid)
    replies = select(db.json_rows(cases.c.id, cases.c.reply)).where(
        cases.c.app_uuid == uuid, cases.c.reply.is_not(None)
    )
    reused = (
        select(db.json_rows(downloads.c.id, lookups.c.hall, lookups.c.window,
                            lookups.c.service_code, downloads.c.at, downloads.c.material_code,
                            _newest_version(db, lookups.c.service_code)))
        .join(lookups, lookups.c.id == downloads.c.lookup_id)
        .where(downloads.c.source_uuid == uuid)
    )  # fmt: skip
    return [q.scalar_subquery() for q in (steps, stopped, replies, reused)]


def _statement(db: Database) -> Select[Any]:
    apps, terms = db.t("applications"), db.t("terminals")
    limits, ratings, licences = db.t("item_limits"), db.t("citizen_ratings"), db.t("licences")
    from portal import replacement  # portal.db -> migrations -> pages would import it early

    old = replacement.old_secrets(db, apps.c.terminal_id)
    old = old.with_only_columns(db.json_rows(*old.selected_columns))
    limit = select(limits.c.working_days).where(limits.c.service_code == apps.c.service_code)
    rating = select(ratings.c.rating).where(ratings.c.uuid == apps.c.uuid)
    licence = (
        select(db.json_row(*(licences.c[name] for name in Licence.__slots__)))
        .where(licences.c.app_uuid == apps.c.uuid)
        .order_by(licences.c.issued_at.desc())
        .limit(1)
    )
    return (
        select(
            apps.c.receipt_no, apps.c.uuid, apps.c.terminal_id, apps.c.service_code,
            apps.c.status, apps.c.notice_items, apps.c.accepted_at, apps.c.due_date,
            terms.c.code_secret, _newest_version(db, apps.c.service_code),
            limit.scalar_subquery(), rating.scalar_subquery(),
            *_children(db, apps.c.uuid), licence.scalar_subquery(),
            old.scalar_subquery(),
        )
        .join(terms, terms.c.terminal_id == apps.c.terminal_id)
        .where(apps.c.receipt_no.in_([bindparam("compact"), bindparam("grouped")]))
    )  # fmt: skip


def find(conn: Connection, db: Database, compact: str) -> Found | None:
    """The application with receipt number `compact` (stored compact or grouped), or None."""
    statement = db.remember(_statement, lambda: _statement(db))
    params = {"compact": compact, "grouped": display_receipt_no(compact)}
    row = db.first(conn, statement, params)
    if row is None:
        return None
    steps, stops, replies, reuses, licence, old = (db.rows_of(v) for v in row[12:18])
    names = db.t("clock_stops").c.keys()
    return Found(
        **dict(zip(_COLUMNS, row[:12], strict=True)),
        steps=sorted(steps, key=lambda s: (s[3], s[4])),
        stops=sorted((dict(zip(names, s, strict=True)) for s in stops), key=lambda s: s["id"]),
        replies=[str(r[1]) for r in sorted(replies, key=lambda r: r[0])],
        reuses=sorted(reuses, key=lambda r: r[0]),
        licence=dict(zip(Licence.__slots__, licence, strict=True)) if licence else None,
        old_secrets=[str(o[0]) for o in old],
    )
