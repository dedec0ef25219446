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
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, select

from forms.text import Text
from portal.db import Database
from portal.licences import Licence, licence_of
from portal.pages.clock_stops import Stop, moved, stop_of
from portal.pages.deadlines import HALL_TZ, item_limits, local_day, promised_date, today
from portal.pages.tracking_query import Found, find
from printing.errors import PayloadError
from printing.qr_payload import code_matches, code_matches_any, verify_payload
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
    return _name(definition(conn, db, code), code)


def item_names(conn: Connection, db: Database, codes: set[str]) -> dict[str, Text]:
    """`item_name` of several items in one query (the back office's page of 50 lines named
    ten items with ten queries)."""
    table = db.t("catalog_items")
    query = select(table.c.code, table.c.definition).where(table.c.code.in_(sorted(codes)))
    newest: dict[str, str | None] = {}
    for code, body in conn.execute(query.order_by(table.c.version)):
        newest[code] = body  # ordered by version: the newest comes last
    return {c: _name(_parsed(newest.get(c)), c) for c in codes}


def _name(spec: dict[str, Any], code: str) -> Text:
    name = spec.get("name")
    if isinstance(name, dict) and name.get("zh"):
        return Text(str(name["zh"]), str(name.get("en") or name["zh"]))
    return Text(code, code)


def definition(conn: Connection, db: Database, code: str) -> dict[str, Any]:
    """The newest published definition of item `code` ({} when none is)."""
    table = db.t("catalog_items")
    query = select(table.c.definition).where(table.c.code == code)
    body = conn.execute(query.order_by(table.c.version.desc()).limit(1)).scalar_one_or_none()
    return _parsed(body)


def _parsed(body: str | None) -> dict[str, Any]:
    found = json.loads(body) if body else {}
    return found if isinstance(found, dict) else {}


def published(conn: Connection, db: Database, code: str, version: int | None) -> dict[str, Any]:
    """Item `code`'s definition at `version` ({} for None), kept per process after the first
    read: a published version never changes (`portal.feed.publish_catalog` refuses the same
    code and version with other content), and the newest version number comes fresh with
    each lookup (`tracking_query`), so a newly published version is seen at once."""
    if version is None:
        return {}

    def load() -> dict[str, Any]:
        table = db.t("catalog_items")
        query = select(table.c.definition).where(table.c.code == code, table.c.version == version)
        return _parsed(conn.execute(query).scalar_one_or_none())

    return db.remember(("published item", code, version), load)


def _material_names(spec: dict[str, Any]) -> dict[str, Text]:
    names = {}
    for material in spec.get("materials", []):
        name = material.get("name") if isinstance(material, dict) else None
        if isinstance(name, dict) and name.get("zh"):
            code = str(material.get("code"))
            names[code] = Text(str(name["zh"]), str(name.get("en") or name["zh"]))
    return names


def _notice_materials(spec: dict[str, Any], items: str) -> tuple[Text, ...]:
    """Names of the materials a one-time notice lists (their codes when unpublished)."""
    names = _material_names(spec)
    wanted = [str(item.get("code", "")) for item in json.loads(items or "[]")]
    return tuple(names.get(c, Text(c, c)) for c in dict.fromkeys(wanted) if c)


def catalog_days(conn: Connection, db: Database, code: str) -> int | None:
    """The item's promised working days in its newest published version, if any."""
    days = definition(conn, db, code).get("promised_days")
    return days if isinstance(days, int) and days >= 0 else None


def _steps(row: Found) -> tuple[Step, ...]:
    """The public timeline. Notes are shown only from the platform's staff (written for the
    citizen); a counter's own notes (e.g. a void reason) may name people, so they are not."""
    return tuple(
        Step(
            datetime.fromisoformat(at).astimezone(HALL_TZ),
            status,
            _label(status),
            note if source == "portal" else "",
        )
        for status, note, source, at, _id in row.steps
    )


def _label(status: str) -> Text:
    try:
        return LABELS[Status(status)]
    except ValueError:
        return Text(status, status)


def _from_platform(conn: Connection, db: Database, row: Found) -> Tracking:
    spec = published(conn, db, row.service_code, row.item_version)
    steps = _steps(row)
    supplement = None
    if row.status == Status.SUPPLEMENT_NEEDED and steps:
        supplement = next((s.note for s in reversed(steps) if s.status == row.status), "")
    bring: tuple[Text, ...] = ()
    if row.status == Status.NOTICE_ISSUED:
        bring = _notice_materials(spec, row.notice_items)
    stops = [stop_of(SimpleNamespace(**s)) for s in row.stops]
    base = promised_date(row.accepted_at, row.due_date, row.limit)
    return Tracking(
        stops=tuple(stops),
        bring=bring,
        receipt_no=display_receipt_no(row.receipt_no),
        uuid=row.uuid,
        item=_name(spec, row.service_code),
        accepted_on=local_day(row.accepted_at),
        promised=moved(base, stops, today()),
        status=row.status,
        steps=steps,
        supplement=supplement,
        rating=row.rating,
        rating_closed=_closed(steps),
        replies=tuple(row.replies),
        reuses=_reuses(conn, db, row, spec),
        licence=_licence(row),
    )


def _licence(row: Found) -> Licence | None:
    """The newest licence (valid or revoked) of a settled application."""
    if row.status not in SETTLED or row.licence is None:
        return None
    return licence_of(SimpleNamespace(**row.licence))


def _reuses(conn: Connection, db: Database, row: Found, spec: dict[str, Any]) -> tuple[Reuse, ...]:
    """The windows that fetched this application's files through a lookup (`portal.lookup`),
    with the item they were for and the material, in words."""
    names = _material_names(spec)
    return tuple(
        Reuse(
            hall=hall,
            window=window,
            on=local_day(at),
            item=_name(published(conn, db, code, version), code) if code else Text("—", "—"),
            material=names.get(material, Text(material, material)),
        )
        for _id, hall, window, code, at, material, version in row.reuses
    )


def _closed(steps: tuple[Step, ...]) -> bool:
    """Settled more than RATE_WITHIN_DAYS days ago: the page no longer asks for a rating."""
    settled = next((s.at.date() for s in steps if s.status in SETTLED), None)
    return settled is not None and (today() - settled).days > RATE_WITHIN_DAYS


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


def lookup(db: Database, receipt_no: str, code: str, payload: str | None = None) -> Tracking | None:
    """What the page shows for this receipt and code, or None for every kind of refusal."""
    with db.autocommit() as conn:  # reads only; the application comes in one statement
        return lookup_on(conn, db, receipt_no, code, payload)


def lookup_on(
    conn: Connection, db: Database, receipt_no: str, code: str, payload: str | None = None
) -> Tracking | None:
    """`lookup` on a connection the caller holds (the page counts the rate limit on it too)."""
    compact = compact_receipt_no(receipt_no)
    if compact is None or not is_valid_receipt_no(compact) or not code:
        return None  # a mistyped number is told apart before this (`track_routes`)
    row = find(conn, db, compact)
    if row is not None:
        # its terminal's secret, or one it had before its window moved to a new PC (issue 16)
        secrets = [row.code_secret, *row.old_secrets]
        ok = code_matches_any(map(_secret, secrets), compact, code)
        return _from_platform(conn, db, row) if ok else None
    if not payload:
        code_matches(_DUMMY_SECRET, compact, code)  # same work as a wrong code
        return None
    try:
        return _from_payload(conn, db, compact, code, payload)
    except (PayloadError, ValueError):
        return None
