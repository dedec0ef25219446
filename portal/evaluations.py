"""好差评 on the platform: keeping ratings from every channel, and opening a 差评整改 case for
each 不满意 / 非常不满意 (codes 4-5 of `sync.ratings`).

A rating pushed by a terminal is keyed by its client UUID (`RatingIn.event_id`): the same
one again is a DUPLICATE, so a push retried after a lost reply lands once. Only the terminal
whose citizen screen took a rating may ever send it again with other values; any other
terminal is refused (the caller has already checked, in one place, that the terminal may
touch the application at all: `portal.services._own_app`).
"""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from forms.text import Text
from portal.db import Database, now_iso
from portal.pages import rollup
from sync.protocol import EventResult, Outcome, RatingIn, WireText
from sync.ratings import Channel, Satisfaction, ServiceEvent

NOT_YOURS = Text(
    "该评价由另一台终端采集，本终端不能更改。",
    "This rating was taken by another terminal: this one cannot change it.",
)
SUB_SCORES = ("overall", "efficiency", "level", "attitude")


def _values(r: RatingIn) -> dict[str, Any]:
    """The columns a pushed rating sets (what a resend is compared on)."""
    values: dict[str, Any] = {"code": int(r.satisfaction), "channel": str(r.channel)}
    values |= {"service_event": str(r.service_event), "count": r.count, "region": r.region}
    values |= {name: _int(getattr(r, name)) for name in SUB_SCORES}
    return values | {"comment": r.comment, "at": r.at.isoformat()}


def _int(value: Satisfaction | None) -> int | None:
    return None if value is None else int(value)


def from_terminal(db: Database, conn: Connection, terminal_id: str, r: RatingIn) -> EventResult:
    """Keep a rating pushed by `terminal_id` (already allowed to touch its application)."""
    table = db.t("ratings")
    row = conn.execute(select(table).where(table.c.rating_id == r.event_id)).first()
    values = _values(r)
    if row is not None and row.terminal_id != terminal_id:
        return EventResult(
            event_id=r.event_id, outcome=Outcome.REJECTED, reason=WireText.of(NOT_YOURS)
        )
    if row is not None and all(getattr(row, k) == v for k, v in values.items()):
        return EventResult(event_id=r.event_id, outcome=Outcome.DUPLICATE)
    if row is not None:  # its own terminal corrects it
        conn.execute(update(table).where(table.c.rating_id == r.event_id).values(**values))
    else:
        app = _application(db, conn, r.uuid)
        conn.execute(
            insert(table).values(rating_id=r.event_id, terminal_id=terminal_id, **app, **values)
        )
    _after(db, conn, r.event_id, r.uuid, values["code"])
    return EventResult(event_id=r.event_id, outcome=Outcome.STORED)


def _application(db: Database, conn: Connection, uuid: str) -> dict[str, Any]:
    """What a rating repeats of its application, so figures need no join."""
    apps = db.t("applications")
    cols = (apps.c.hall, apps.c.window, apps.c.clerk_id, apps.c.service_code)
    row = conn.execute(select(*cols).where(apps.c.uuid == uuid)).one()
    return {"app_uuid": uuid, **row._asdict(), "received_at": now_iso()}


def _after(db: Database, conn: Connection, rating_id: str, uuid: str, code: int) -> None:
    """The application shows its latest rating; a bad one opens a case (once)."""
    apps = db.t("applications")
    conn.execute(update(apps).where(apps.c.uuid == uuid).values(rating=code))
    if Satisfaction(code).bad:
        open_case(db, conn, rating_id)


def open_case(db: Database, conn: Connection, rating_id: str) -> None:
    """The 差评整改 case of a bad rating; nothing when it already has one."""
    cases, ratings = db.t("bad_cases"), db.t("ratings")
    if conn.execute(select(cases.c.id).where(cases.c.rating_id == rating_id)).first():
        return
    r = conn.execute(select(ratings).where(ratings.c.rating_id == rating_id)).one()
    conn.execute(
        insert(cases).values(
            rating_id=rating_id, app_uuid=r.app_uuid, hall=r.hall, opened_at=now_iso()
        )
    )


def from_tracking_page(db: Database, conn: Connection, uuid: str, code: int, comment: str) -> str:
    """Keep a rating given on the tracking page (channel 二维码, after settlement); returns
    its ID. The caller holds the transaction and has checked the citizen may rate."""
    table = db.t("ratings")
    count = conn.execute(select(func.count()).where(table.c.app_uuid == uuid)).scalar_one()
    rating_id = f"web-{uuidlib.uuid4()}"
    values: dict[str, Any] = {"code": code, "channel": Channel.QR_CODE.value}
    values |= {"service_event": ServiceEvent.SETTLEMENT.value, "count": int(count) + 1}
    values |= {"region": _region(db, conn, uuid), "comment": comment, "at": now_iso()}
    app = _application(db, conn, uuid)
    with rollup.following(conn, [uuid]):  # counted with its case (a terminal's: `push`)
        conn.execute(insert(table).values(rating_id=rating_id, terminal_id=None, **app, **values))
        _after(db, conn, rating_id, uuid, code)
    return rating_id


def _region(db: Database, conn: Connection, uuid: str) -> str:
    """The hall's region code (行政区划) as its terminals last sent it ("" when none did)."""
    table, apps = db.t("ratings"), db.t("applications")
    hall = select(apps.c.hall).where(apps.c.uuid == uuid).scalar_subquery()
    query = select(table.c.region).where(table.c.hall == hall, table.c.region != "")
    found = conn.execute(query.order_by(table.c.received_at.desc()).limit(1)).scalar()
    return str(found or "")
