"""What the back office reads: applications with filters, one application in full, the
filter choices. Staff see personal data here (they process the applications); nothing of
this module is ever used by the public pages.

The list is paged by keyset (`office_paging`): the filters SQL can apply narrow the query,
newest first from a cursor. Overdue depends on working days (forms.workdays) and per-item
limits, which SQL cannot compute portably, so the overdue flag and filter are applied to
each page in Python, reading further chunks until the page is full.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select

from forms.text import Text
from portal.db import Database
from portal.errors import NotFound
from portal.pages.clock_stops import Stop, moved, stops_by_uuid
from portal.pages.deadlines import (
    HALL_TZ,
    is_overdue,
    item_limits,
    local_day,
    promised_date,
)
from portal.pages.office_paging import PAGE_SIZE, Cursor, Filters, narrowed, page_query
from portal.pages.tracking import item_name, item_names
from sync.receipt_numbers import display_receipt_no, normalise_receipt_no
from sync.statuses import SETTLED

#: Rows read per chunk while filling an "overdue only" page, and at most how many chunks.
OVERDUE_CHUNK, OVERDUE_CHUNKS = 250, 8


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the applications list."""

    receipt_no: str
    hall: str
    service_code: str
    item: Text
    applicant: str
    accepted_on: date
    promised: date | None
    status: str
    overdue: bool


@dataclass(frozen=True)
class Page:
    """One page of the list and where the pages next to it start (None: no such page)."""

    lines: list[Line]
    newer: Cursor | None = None  # `before=`: the previous (newer) page
    older: Cursor | None = None  # `after=`: the next (older) page


def settled_times(db: Database) -> Any:
    """Subquery: uuid -> the first time the application reached a settled state."""
    events = db.t("status_events")
    return (
        select(events.c.uuid, func.min(events.c.at).label("settled_at"))
        .where(events.c.status.in_(sorted(SETTLED)))
        .group_by(events.c.uuid)
        .subquery()
    )


def _query(db: Database) -> Select[Any]:
    """Applications with the time each was first settled (read per row from the index
    `ix_events_settled`, so a page costs its own rows only)."""
    apps, events = db.t("applications"), db.t("status_events")
    settled_at = (
        select(func.min(events.c.at))
        .where(events.c.uuid == apps.c.uuid, events.c.status.in_(sorted(SETTLED)))
        .scalar_subquery()
    )
    return select(apps, settled_at.label("settled_at"))


def _line(
    conn: Connection, db: Database, row: Any, limits: dict[str, int], today: date,
    stops: list[Stop] | None = None, names: dict[str, Text] | None = None,
) -> Line:  # fmt: skip
    """One list line; `names` remembers item names within a page (one query per item,
    not per line)."""
    names = {} if names is None else names
    if row.service_code not in names:
        names[row.service_code] = item_name(conn, db, row.service_code)
    base = promised_date(row.accepted_at, row.due_date, limits.get(row.service_code))
    promised = moved(base, stops or [], today)  # clock stops (特别程序) move the deadline
    settled_on = local_day(row.settled_at) if row.settled_at else None
    return Line(
        receipt_no=display_receipt_no(row.receipt_no),
        hall=row.hall,
        service_code=row.service_code,
        item=names[row.service_code],
        applicant=str(json.loads(row.applicant).get("name", "")),
        accepted_on=local_day(row.accepted_at),
        promised=promised,
        status=row.status,
        overdue=is_overdue(row.status, promised, settled_on, today),
    )


def applications(
    db: Database, f: Filters, today: date, after: Cursor | None = None,
    before: Cursor | None = None,
) -> Page:  # fmt: skip
    """The page of applications matching `f` after `after` (or before `before`)."""
    apps = db.t("applications")
    query = narrowed(_query(db), apps, f)
    chunk = OVERDUE_CHUNK if f.overdue else PAGE_SIZE + 1
    found: list[tuple[Cursor, Line]] = []
    edge, more = after if before is None else before, False
    names: dict[str, Text] = {}
    with db.begin() as conn:
        limits = item_limits(conn, db)
        for _ in range(OVERDUE_CHUNKS):
            forward = None if before is not None else edge
            rows = conn.execute(
                page_query(query, apps, forward, before and edge).limit(chunk)
            ).all()
            stops = stops_by_uuid(conn, db, [r.uuid for r in rows])
            unnamed = {r.service_code for r in rows} - names.keys()
            names |= item_names(conn, db, unnamed) if unnamed else {}
            for r in rows:
                line = _line(conn, db, r, limits, today, stops.get(r.uuid), names)
                if line.overdue or not f.overdue:
                    found.append((Cursor(r.accepted_at, r.uuid), line))
            if rows:
                edge = Cursor(rows[-1].accepted_at, rows[-1].uuid)
            more = len(rows) == chunk
            if len(found) > PAGE_SIZE or not more:
                break
    return _page(found, after, before, edge if more else None)


def _page(
    found: list[tuple[Cursor, Line]], after: Cursor | None, before: Cursor | None,
    scanned_to: Cursor | None,
) -> Page:  # fmt: skip
    """The page out of what a scan found: its lines newest first, and its neighbours."""
    shown = found[:PAGE_SIZE]
    beyond = shown[-1][0] if len(found) > PAGE_SIZE else scanned_to  # where a further page starts
    if before is not None:  # scanned oldest first, towards the newest
        shown.reverse()
        older = shown[-1][0] if shown else None
        return Page([x for _, x in shown], newer=beyond, older=older)
    newer = shown[0][0] if shown and after is not None else None
    return Page([x for _, x in shown], newer=newer, older=beyond)


def choices(db: Database) -> tuple[list[str], list[str]]:
    """The halls and item codes for the filter menus: the halls of the enrolled terminals
    (every application comes from one) and the items of the published catalog or with a
    time limit. Small tables: a DISTINCT over the applications would read all of them on
    every page (seconds at a million)."""
    terms, items, limits = db.t("terminals"), db.t("catalog_items"), db.t("item_limits")
    with db.begin() as conn:
        halls = list(conn.scalars(select(terms.c.hall).distinct().order_by(terms.c.hall)))
        codes = set(conn.scalars(select(items.c.code))) | set(
            conn.scalars(select(limits.c.service_code))
        )
        return halls, sorted(codes)


@dataclass(frozen=True)
class Detail:
    line: Line
    uuid: str
    terminal_id: str
    window: str
    applicant: dict[str, Any]
    answers: dict[str, Any]
    materials: list[tuple[str, str]]  # (material code, sha256)
    signature: str | None
    notice_items: list[dict[str, Any]]
    events: list[dict[str, Any]]
    rating: int | None
    comment: str
    stops: list[Stop] = field(default_factory=list)


def detail(db: Database, receipt_no: str, today: date) -> Detail:
    """Everything about one application; NotFound for an unknown receipt number."""
    compact = normalise_receipt_no(receipt_no)
    apps = db.t("applications")
    with db.begin() as conn:
        query = _query(db).where(apps.c.receipt_no.in_([compact, receipt_no]))
        row = conn.execute(query).first()
        if row is None:
            raise NotFound(Text(f"没有受理编号 {receipt_no}。", f"No application {receipt_no}."))
        stops = stops_by_uuid(conn, db, [row.uuid]).get(row.uuid, [])
        line = _line(conn, db, row, item_limits(conn, db), today, stops)
        return Detail(
            stops=stops,
            line=line,
            uuid=row.uuid,
            terminal_id=row.terminal_id,
            window=row.window,
            applicant=json.loads(row.applicant),
            answers=json.loads(row.answers),
            materials=_materials(conn, db, row.uuid),
            signature=row.signature,
            notice_items=json.loads(row.notice_items),
            events=_events(conn, db, row.uuid),
            **_rating(conn, db, row.uuid, row.rating),
        )


def _materials(conn: Connection, db: Database, uuid: str) -> list[tuple[str, str]]:
    mats = db.t("application_materials")
    query = select(mats.c.material_code, mats.c.sha256).where(mats.c.uuid == uuid)
    return [(r.material_code, r.sha256) for r in conn.execute(query.order_by(mats.c.material_code))]


def _events(conn: Connection, db: Database, uuid: str) -> list[dict[str, Any]]:
    events = db.t("status_events")
    query = select(events).where(events.c.uuid == uuid).order_by(events.c.at, events.c.id)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:  # staff read hall time, like the citizen's timeline
        local = datetime.fromisoformat(row["at"]).astimezone(HALL_TZ)
        row["local"] = local.strftime("%Y-%m-%d %H:%M")
    return rows


def _rating(conn: Connection, db: Database, uuid: str, stored: int | None) -> dict[str, Any]:
    table = db.t("citizen_ratings")
    row = conn.execute(select(table).where(table.c.uuid == uuid)).first()
    return {"rating": row.rating if row else stored, "comment": row.comment if row else ""}


def file_belongs(db: Database, sha: str) -> str | None:
    """The material code `sha` is filed under (or "signature", or "licence" for a result
    document), None when no application references it, so the route serves only those."""
    mats, apps = db.t("application_materials"), db.t("applications")
    with db.begin() as conn:
        code = conn.execute(
            select(mats.c.material_code).where(mats.c.sha256 == sha).limit(1)
        ).scalar_one_or_none()
        signed = select(apps.c.uuid).where(apps.c.signature == sha)
        if code is None and conn.execute(signed).first():
            return "signature"
        licences = db.t("licences")  # a result document the back office issued
        if code is None and conn.execute(select(licences.c.type_code).where(
                licences.c.sha256 == sha)).first():  # fmt: skip
            return "licence"
    return code
