"""What the back office reads: applications with filters, one application in full, the
filter choices. Staff see personal data here (they process the applications); nothing of
this module is ever used by the public pages.

Overdue depends on working days (forms.workdays) and per-item limits, which SQL cannot
compute portably, so the list query narrows by hall, item and status in SQL, newest first,
and the overdue flag and filter are applied to that page in Python.
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
from portal.pages.tracking import item_name
from sync.receipt_numbers import display_receipt_no, normalise_receipt_no
from sync.statuses import SETTLED

PAGE_SIZE = 200


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


@dataclass(frozen=True, slots=True)
class Filters:
    hall: str = ""
    item: str = ""
    status: str = ""
    overdue: bool = False


def settled_times(db: Database) -> Any:
    """Subquery: uuid -> the first time the application reached a settled state."""
    events = db.t("status_events")
    return (
        select(events.c.uuid, func.min(events.c.at).label("settled_at"))
        .where(events.c.status.in_(sorted(SETTLED)))
        .group_by(events.c.uuid)
        .subquery()
    )


def _query(db: Database, f: Filters) -> Select[Any]:
    apps = db.t("applications")
    done = settled_times(db)
    query = select(apps, done.c.settled_at).outerjoin(done, done.c.uuid == apps.c.uuid)
    if f.hall:
        query = query.where(apps.c.hall == f.hall)
    if f.item:
        query = query.where(apps.c.service_code == f.item)
    if f.status:
        query = query.where(apps.c.status == f.status)
    return query.order_by(apps.c.accepted_at.desc())


def _line(
    conn: Connection, db: Database, row: Any, limits: dict[str, int], today: date,
    stops: list[Stop] | None = None,
) -> Line:  # fmt: skip
    base = promised_date(row.accepted_at, row.due_date, limits.get(row.service_code))
    promised = moved(base, stops or [], today)  # clock stops (特别程序) move the deadline
    settled_on = local_day(row.settled_at) if row.settled_at else None
    return Line(
        receipt_no=display_receipt_no(row.receipt_no),
        hall=row.hall,
        service_code=row.service_code,
        item=item_name(conn, db, row.service_code),
        applicant=str(json.loads(row.applicant).get("name", "")),
        accepted_on=local_day(row.accepted_at),
        promised=promised,
        status=row.status,
        overdue=is_overdue(row.status, promised, settled_on, today),
    )


def applications(db: Database, f: Filters, today: date) -> list[Line]:
    """The newest applications matching `f` (at most PAGE_SIZE)."""
    with db.begin() as conn:
        limits = item_limits(conn, db)
        rows = conn.execute(_query(db, f).limit(PAGE_SIZE * (5 if f.overdue else 1))).all()
        stops = stops_by_uuid(conn, db, [r.uuid for r in rows])
        lines = [_line(conn, db, r, limits, today, stops.get(r.uuid)) for r in rows]
    return [x for x in lines if x.overdue or not f.overdue][:PAGE_SIZE]


def choices(db: Database) -> tuple[list[str], list[str]]:
    """The halls and item codes present, for the filter menus."""
    apps = db.t("applications")
    with db.begin() as conn:
        halls = list(conn.scalars(select(apps.c.hall).distinct().order_by(apps.c.hall)))
        codes = conn.scalars(select(apps.c.service_code).distinct().order_by(apps.c.service_code))
        return halls, list(codes)


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
        query = _query(db, Filters()).where(apps.c.receipt_no.in_([compact, receipt_no]))
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
    """The material code `sha` is filed under (or "signature"), None when no application
    references it, so the download route serves only application files."""
    mats, apps = db.t("application_materials"), db.t("applications")
    with db.begin() as conn:
        code = conn.execute(
            select(mats.c.material_code).where(mats.c.sha256 == sha).limit(1)
        ).scalar_one_or_none()
        signed = select(apps.c.uuid).where(apps.c.signature == sha)
        if code is None and conn.execute(signed).first():
            return "signature"
    return code
