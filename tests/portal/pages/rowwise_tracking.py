"""The tracking page's reading as it was before it became one statement (issue 17): a query
per table, kept only to check `portal.pages.tracking.lookup` against it on SQLite and
PostgreSQL (tests/portal/pages/test_tracking_statement.py). Not used by the platform."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from forms.text import Text
from portal.db import Database
from portal.licences import of_application
from portal.lookup import reuses_of
from portal.pages.clock_stops import moved, stops_by_uuid
from portal.pages.deadlines import HALL_TZ, item_limits, local_day, promised_date, today
from portal.pages.tracking import Reuse, Step, Tracking, _closed, _label, item_name
from portal.replacement import old_secrets
from printing.qr_payload import code_matches_any
from sync.receipt_numbers import compact_receipt_no, display_receipt_no
from sync.statuses import SETTLED, Status


def lookup(db: Database, receipt_no: str, code: str) -> Tracking | None:
    """The page of an application on the platform, read table by table."""
    compact = compact_receipt_no(receipt_no) or ""
    apps, terms = db.t("applications"), db.t("terminals")
    with db.begin() as conn:
        query = (
            select(apps, terms.c.code_secret)
            .join(terms, terms.c.terminal_id == apps.c.terminal_id)
            .where(apps.c.receipt_no.in_([compact, display_receipt_no(compact)]))
        )
        row = conn.execute(query).first()
        if row is None:
            return None
        secrets = [row.code_secret, *conn.scalars(old_secrets(db, row.terminal_id))]
        ok = code_matches_any(map(base64.b64decode, secrets), compact, code)
        return _from_platform(conn, db, row) if ok else None


def _from_platform(conn: Connection, db: Database, row: Row[Any]) -> Tracking:
    events = db.t("status_events")
    query = select(events.c.status, events.c.note, events.c.source, events.c.at)
    rows = conn.execute(query.where(events.c.uuid == row.uuid).order_by(events.c.at, events.c.id))
    steps = tuple(
        Step(
            datetime.fromisoformat(r.at).astimezone(HALL_TZ),
            r.status,
            _label(r.status),
            r.note if r.source == "portal" else "",
        )
        for r in rows
    )
    supplement = None
    if row.status == Status.SUPPLEMENT_NEEDED and steps:
        supplement = next((s.note for s in reversed(steps) if s.status == row.status), "")
    ratings, cases = db.t("citizen_ratings"), db.t("bad_cases")
    rated = conn.execute(
        select(ratings.c.rating).where(ratings.c.uuid == row.uuid)
    ).scalar_one_or_none()
    bring: tuple[Text, ...] = ()
    if row.status == Status.NOTICE_ISSUED:
        names = _material_names(conn, db, row.service_code)
        wanted = [str(i.get("code", "")) for i in json.loads(row.notice_items or "[]")]
        bring = tuple(names.get(c, Text(c, c)) for c in dict.fromkeys(wanted) if c)
    stops = stops_by_uuid(conn, db, [row.uuid]).get(row.uuid, [])
    base = promised_date(row.accepted_at, row.due_date, item_limits(conn, db).get(row.service_code))
    replies = select(cases.c.reply).where(cases.c.app_uuid == row.uuid, cases.c.reply.is_not(None))
    names = _material_names(conn, db, row.service_code)
    reuses = tuple(
        Reuse(
            hall=r.hall,
            window=r.window,
            on=r.on,
            item=item_name(conn, db, r.service_code) if r.service_code else Text("—", "—"),
            material=names.get(r.material_code, Text(r.material_code, r.material_code)),
        )
        for r in reuses_of(conn, db, row.uuid)
    )
    return Tracking(
        stops=tuple(stops),
        bring=bring,
        receipt_no=display_receipt_no(row.receipt_no),
        uuid=row.uuid,
        item=item_name(conn, db, row.service_code),
        accepted_on=local_day(row.accepted_at),
        promised=moved(base, stops, today()),
        status=row.status,
        steps=steps,
        supplement=supplement,
        rating=rated,
        rating_closed=_closed(steps),
        replies=tuple(str(r) for r in conn.scalars(replies.order_by(cases.c.id))),
        reuses=reuses,
        licence=of_application(conn, db, row.uuid) if row.status in SETTLED else None,
    )


def _material_names(conn: Connection, db: Database, code: str) -> dict[str, Text]:
    table = db.t("catalog_items")
    query = select(table.c.definition).where(table.c.code == code)
    body = conn.execute(query.order_by(table.c.version.desc()).limit(1)).scalar_one_or_none()
    names = {}
    for spec in (json.loads(body) if body else {}).get("materials", []):
        name = spec.get("name")
        if isinstance(name, dict) and name.get("zh"):
            names[str(spec["code"])] = Text(str(name["zh"]), str(name.get("en") or name["zh"]))
    return names
