"""The changes feed a terminal pulls (status changes of its applications, catalog versions,
ratings) and catalog publishing. Feed rows are written in `seq` order (see
`Database.serialize_changes`), so a terminal's cursor never skips a late commit.
`portal.services` re-exports both functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from forms.text import Text
from forms.workdays import CalendarDataError, check_year, install_years
from portal.db import Database, now_iso
from portal.enrollment import TerminalInfo
from portal.errors import Invalid
from portal.pages import rollup
from sync.canonical import canonical_json
from sync.protocol import (
    CalendarUpdate,
    CatalogUpdate,
    ChangesReply,
    RatingChange,
    StatusChange,
)


def changes(db: Database, term: TerminalInfo, cursor: int, limit: int) -> ChangesReply:
    """Status changes of this terminal's applications and catalog versions after `cursor`."""
    table = db.t("changes")
    shared = table.c.kind.in_(("catalog", "calendar"))
    mine = shared | (table.c.terminal_id == term.terminal_id)
    query = select(table).where(table.c.seq > cursor, mine).order_by(table.c.seq)
    with db.begin() as conn:
        rows = conn.execute(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    reply = ChangesReply(cursor=rows[-1].seq if rows else cursor, more=more)
    for row in rows:
        if row.kind == "status":
            reply.statuses.append(StatusChange.model_validate_json(row.payload))
        elif row.kind == "rating":  # written by portal/pages/ratings.py
            reply.ratings.append(RatingChange.model_validate_json(row.payload))
        elif row.kind == "calendar":
            reply.calendar.append(CalendarUpdate.model_validate_json(row.payload))
        else:
            reply.catalog.append(CatalogUpdate.model_validate_json(row.payload))
    return reply


def publish_catalog(db: Database, items: list[dict[str, Any]]) -> int:
    """Publish service item versions (`ServiceItem.to_dict()`); returns how many were new.
    Publishing a version again with the same definition does nothing; with a different
    definition it is refused (bump the version)."""
    table = db.t("catalog_items")
    published = 0
    with db.begin() as conn:
        db.serialize_changes(conn)
        for item in items:
            code, version, body = str(item["code"]), int(item["version"]), canonical_json(item)
            old = conn.execute(
                select(table.c.definition).where(table.c.code == code, table.c.version == version)
            ).scalar_one_or_none()
            if old == body:
                continue
            if old is not None:
                raise Invalid(
                    Text(
                        f"{code} 第 {version} 版已发布且内容不同，请提高版本号。",
                        f"{code} version {version} was published with other content: "
                        "bump the version.",
                    )
                )
            at = now_iso()
            conn.execute(
                insert(table).values(code=code, version=version, definition=body, published_at=at)
            )
            update_ = CatalogUpdate(code=code, version=version, definition=item)
            conn.execute(
                insert(db.t("changes")).values(
                    kind="catalog", terminal_id=None, payload=update_.model_dump_json(), at=at
                )
            )
            published += 1
    return published


def publish_calendar(db: Database, years: dict[Any, Any]) -> int:
    """Publish holiday-calendar years (the `forms/holidays.yaml` shape) in the feed every
    terminal pulls, and use them here at once; a year published again unchanged does
    nothing. Returns how many years were new or changed. Malformed: Invalid, nothing kept."""
    try:
        checked = {int(y): check_year(y, e) for y, e in years.items()}
    except (CalendarDataError, ValueError) as exc:
        text = exc.text if isinstance(exc, CalendarDataError) else Text("年份有误", "bad year")
        raise Invalid(text) from None
    changed = 0
    with db.begin() as conn:
        db.serialize_changes(conn)
        known = published_calendar(conn, db)
        for year, entry in sorted(checked.items()):
            if known.get(year) == entry:
                continue
            update_ = CalendarUpdate(year=year, entry=entry)
            conn.execute(
                insert(db.t("changes")).values(
                    kind="calendar", terminal_id=None, payload=update_.model_dump_json(),
                    at=now_iso(),
                )
            )  # fmt: skip
            changed += 1
    install_years(checked)
    _recount(db)
    return changed


def published_calendar(conn: Any, db: Database) -> dict[int, dict[str, Any]]:
    """The latest published entry of every year (later rows win)."""
    table = db.t("changes")
    rows = conn.execute(
        select(table.c.payload).where(table.c.kind == "calendar").order_by(table.c.seq)
    )
    found = [CalendarUpdate.model_validate_json(r.payload) for r in rows]
    return {u.year: u.entry for u in found}


def install_published_calendar(db: Database) -> None:
    """At start: this platform counts working days with every year it published."""
    with db.begin() as conn:
        years = published_calendar(conn, db)
    if years:
        install_years(years)
    _recount(db)


def _recount(db: Database) -> None:
    """Open data's rollup counted with the calendar now in use (rebuilt if it changed)."""
    with db.begin() as conn:
        rollup.ensure_calendar(conn)
