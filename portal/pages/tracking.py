"""What the citizen's tracking page may show, decided without any HTML.

`lookup(db, receipt_no, code, payload)` returns a `Tracking` or None. None covers every
refusal alike (no such receipt, wrong code, forged or foreign payload), so the page can give
one neutral answer and a guesser learns nothing, not even whether a receipt number exists.
A `Tracking` holds no personal data by construction: it is built from the item, the dates
and the status events only, never from the applicant or the answers. The one exception is a
settled application's licence (电子证照), whose record names its holder; the page shows only
the last 4 characters of the holder's code, and the document itself only after the code
check (`track_routes.result`).

Two sources:
- the application is on the platform: its events, its promised date;
- it is not uploaded yet, but the QR's signed payload (`p`) verifies with the public key of
  the terminal named in the receipt number, and the code matches that terminal's
  code_secret: "accepted at the counter on DATE, on its way to the platform".
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from forms.text import Text
from portal.db import Database
from portal.licences import Licence, of_application
from portal.lookup import reuses_of
from portal.pages.clock_stops import Stop, moved, stops_by_uuid
from portal.pages.deadlines import HALL_TZ, item_limits, local_day, promised_date, today
from printing.errors import PayloadError
from printing.qr_payload import code_matches, verify_payload
from sync.ratings import RATE_WITHIN_DAYS, WORDS, Satisfaction
from sync.receipt_numbers import (
    compact_receipt_no,
    display_receipt_no,
    is_valid_receipt_no,
    receipt_terminal_id,
)
from sync.statuses import LABELS, SETTLED, Status

_DUMMY_SECRET = bytes(32)


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of the public timeline."""

    at: datetime  # hall-local
    status: str
    label: Text
    note: str


@dataclass(frozen=True, slots=True)
class Reuse:
    """A window that used a material the citizen gave with this application (no personal
    data: the hall, the window, the hall's day, the item it was used for, the material)."""

    hall: str
    window: str
    on: date
    item: Text
    material: Text


@dataclass(frozen=True, slots=True)
class Tracking:
    receipt_no: str  # grouped for display
    uuid: str | None  # None while the application is not on the platform
    item: Text
    accepted_on: date
    promised: date | None
    status: str
    steps: tuple[Step, ...]
    supplement: str | None  # what to bring, when a supplement is asked for now
    rating: int | None  # the GB/T 39046 code given on this page (sync.ratings)
    bring: tuple[Text, ...] = ()  # materials a one-time notice from the counter asks for
    rating_closed: bool = False  # settled more than RATE_WITHIN_DAYS days ago
    replies: tuple[str, ...] = ()  # the hall's replies to this application's bad ratings
    stops: tuple[Stop, ...] = ()  # clock stops (特别程序), reasons written for the citizen
    reuses: tuple[Reuse, ...] = ()  # windows that used this application's stored materials
    licence: Licence | None = None  # the result (电子证照) of a settled application

    @property
    def on_platform(self) -> bool:
        return self.uuid is not None

    @property
    def settled(self) -> bool:
        return self.status in SETTLED

    @property
    def can_rate(self) -> bool:
        settled = self.status in SETTLED and not self.rating_closed
        return self.on_platform and settled and self.rating is None

    @property
    def rating_words(self) -> Text | None:
        return WORDS[Satisfaction(self.rating)] if self.rating else None


def _secret(value: str) -> bytes:
    return base64.b64decode(value)


def item_name(conn: Connection, db: Database, code: str) -> Text:
    """The item's name from the newest published catalog version (its code otherwise)."""
    name = definition(conn, db, code).get("name")
    if isinstance(name, dict) and name.get("zh"):
        return Text(str(name["zh"]), str(name.get("en") or name["zh"]))
    return Text(code, code)


def definition(conn: Connection, db: Database, code: str) -> dict[str, Any]:
    """The newest published definition of item `code` ({} when none is)."""
    table = db.t("catalog_items")
    query = select(table.c.definition).where(table.c.code == code)
    body = conn.execute(query.order_by(table.c.version.desc()).limit(1)).scalar_one_or_none()
    found = json.loads(body) if body else {}
    return found if isinstance(found, dict) else {}


def _material_names(conn: Connection, db: Database, code: str) -> dict[str, Text]:
    names = {}
    for spec in definition(conn, db, code).get("materials", []):
        name = spec.get("name") if isinstance(spec, dict) else None
        if isinstance(name, dict) and name.get("zh"):
            names[str(spec.get("code"))] = Text(str(name["zh"]), str(name.get("en") or name["zh"]))
    return names


def notice_materials(conn: Connection, db: Database, code: str, items: str) -> tuple[Text, ...]:
    """Names of the materials a one-time notice lists (their codes when unpublished)."""
    names = _material_names(conn, db, code)
    wanted = [str(item.get("code", "")) for item in json.loads(items or "[]")]
    return tuple(names.get(c, Text(c, c)) for c in dict.fromkeys(wanted) if c)


def catalog_days(conn: Connection, db: Database, code: str) -> int | None:
    """The item's promised working days in its newest published version, if any."""
    days = definition(conn, db, code).get("promised_days")
    return days if isinstance(days, int) and days >= 0 else None


def _application(conn: Connection, db: Database, compact: str) -> Row[Any] | None:
    apps, terms = db.t("applications"), db.t("terminals")
    query = (
        select(apps, terms.c.code_secret)
        .join(terms, terms.c.terminal_id == apps.c.terminal_id)
        .where(apps.c.receipt_no.in_([compact, display_receipt_no(compact)]))
    )
    return conn.execute(query).first()


def _steps(conn: Connection, db: Database, uuid: str) -> tuple[Step, ...]:
    """The public timeline. Notes are shown only from the platform's staff (written for the
    citizen); a counter's own notes (e.g. a void reason) may name people, so they are not."""
    events = db.t("status_events")
    query = select(events.c.status, events.c.note, events.c.source, events.c.at)
    rows = conn.execute(query.where(events.c.uuid == uuid).order_by(events.c.at, events.c.id))
    return tuple(
        Step(
            datetime.fromisoformat(r.at).astimezone(HALL_TZ),
            r.status,
            _label(r.status),
            r.note if r.source == "portal" else "",
        )
        for r in rows
    )


def _label(status: str) -> Text:
    try:
        return LABELS[Status(status)]
    except ValueError:
        return Text(status, status)


def _from_platform(conn: Connection, db: Database, row: Row[Any]) -> Tracking:
    steps = _steps(conn, db, row.uuid)
    limit = item_limits(conn, db).get(row.service_code)
    supplement = None
    if row.status == Status.SUPPLEMENT_NEEDED and steps:
        supplement = next((s.note for s in reversed(steps) if s.status == row.status), "")
    ratings = db.t("citizen_ratings")
    rated = conn.execute(
        select(ratings.c.rating).where(ratings.c.uuid == row.uuid)
    ).scalar_one_or_none()
    bring: tuple[Text, ...] = ()
    if row.status == Status.NOTICE_ISSUED:
        bring = notice_materials(conn, db, row.service_code, row.notice_items)
    stops = stops_by_uuid(conn, db, [row.uuid]).get(row.uuid, [])
    base = promised_date(row.accepted_at, row.due_date, limit)
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
        replies=_replies(conn, db, row.uuid),
        reuses=_reuses(conn, db, row),
        licence=of_application(conn, db, row.uuid) if row.status in SETTLED else None,
    )


def _reuses(conn: Connection, db: Database, row: Row[Any]) -> tuple[Reuse, ...]:
    """The windows that fetched this application's files through a lookup (`portal.lookup`),
    with the item they were for and the material, in words."""
    names = _material_names(conn, db, row.service_code)
    return tuple(
        Reuse(
            hall=r.hall,
            window=r.window,
            on=r.on,
            item=item_name(conn, db, r.service_code) if r.service_code else Text("—", "—"),
            material=names.get(r.material_code, Text(r.material_code, r.material_code)),
        )
        for r in reuses_of(conn, db, row.uuid)
    )


def _closed(steps: tuple[Step, ...]) -> bool:
    """Settled more than RATE_WITHIN_DAYS days ago: the page no longer asks for a rating."""
    settled = next((s.at.date() for s in steps if s.status in SETTLED), None)
    return settled is not None and (today() - settled).days > RATE_WITHIN_DAYS


def _replies(conn: Connection, db: Database, uuid: str) -> tuple[str, ...]:
    """The hall's replies to the bad ratings of this application (差评整改), oldest first:
    written for the citizen, like the staff's status notes."""
    cases = db.t("bad_cases")
    query = select(cases.c.reply).where(cases.c.app_uuid == uuid, cases.c.reply.is_not(None))
    return tuple(str(r) for r in conn.scalars(query.order_by(cases.c.id)))


def _from_payload(conn: Connection, db: Database, compact: str, code: str, p: str) -> Tracking:
    """The receipt as its signed payload proves it; PayloadError when it does not."""
    terms = db.t("terminals")
    tid = receipt_terminal_id(compact) or ""  # "" (no terminal) when the check fails
    term = conn.execute(select(terms).where(terms.c.terminal_id == tid)).first()
    if term is None:
        code_matches(_DUMMY_SECRET, compact, code)
        raise PayloadError(Text("未知终端", "Unknown terminal"))
    claim = verify_payload(base64.b64decode(term.public_key), p)
    if claim.receipt_no != compact or claim.terminal_id != tid:
        raise PayloadError(Text("回执不符", "Payload is for another receipt"))
    if not code_matches(_secret(term.code_secret), compact, code):
        raise PayloadError(Text("查询码不符", "Wrong code"))
    accepted = claim.accepted_at.astimezone(HALL_TZ)
    limit = item_limits(conn, db).get(claim.item_code)
    if limit is None:  # no due date travels in the payload: the catalog's promise stands in
        limit = catalog_days(conn, db, claim.item_code)
    step = Step(accepted, Status.RECEIVED, LABELS[Status.RECEIVED], "")
    return Tracking(
        receipt_no=display_receipt_no(compact),
        uuid=None,
        item=item_name(conn, db, claim.item_code),
        accepted_on=accepted.date(),
        promised=promised_date(claim.accepted_at.isoformat(), None, limit),
        status=Status.RECEIVED,
        steps=(step,),
        supplement=None,
        rating=None,
    )


def _before_move(db: Database, conn: Connection, tid: str, compact: str, code: str) -> bool:
    """A receipt printed before its window moved to a new PC (issue 16): its code was made
    with the old PC's secret."""
    from portal import replacement  # portal.db -> migrations -> pages would import it early

    return replacement.old_code_matches(db, conn, tid, compact, code)


def lookup(db: Database, receipt_no: str, code: str, payload: str | None = None) -> Tracking | None:
    """What the page shows for this receipt and code, or None for every kind of refusal."""
    compact = compact_receipt_no(receipt_no)
    if compact is None or not is_valid_receipt_no(compact) or not code:
        return None  # a mistyped number is told apart before this (`track_routes`)
    with db.begin() as conn:
        row = _application(conn, db, compact)
        if row is not None:
            ok = code_matches(_secret(row.code_secret), compact, code) or _before_move(
                db, conn, row.terminal_id, compact, code
            )
            return _from_platform(conn, db, row) if ok else None
        if not payload:
            code_matches(_DUMMY_SECRET, compact, code)  # same work as a wrong code
            return None
        try:
            return _from_payload(conn, db, compact, code, payload)
        except (PayloadError, ValueError):
            return None
