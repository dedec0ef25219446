"""Status events and ratings a terminal pushes: who may send which, and when.

Only the owning terminal may send events for its applications, and only what a counter
sets (`sync.statuses.COUNTER_EVENTS`): a void, with its reason. The one workflow that
crosses windows is the supplement: the citizen brings the asked-for materials to whichever
window of the hall is free, so a `supplemented` event from another terminal of the same
hall is taken, recorded under the window that took it, and delivered to the owner through
its changes feed. Every accepted event goes into the owner's feed (the owner's engine skips
the ones it sent itself). An event's time may not be before the application's acceptance
nor further ahead of the platform's clock than `Settings.event_clock_tolerance`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from forms.text import Text
from portal import evaluations
from portal.db import Database, now_iso
from portal.enrollment import TerminalInfo
from sync.protocol import EventResult, Outcome, RatingIn, StatusChange, StatusEventIn, WireText
from sync.statuses import COUNTER_EVENTS, NEEDS_REASON, SETTLED_ON_THE_SPOT, Status
from sync.supplements import NO_SUPPLEMENT_ASKED, asks_supplement

NOT_YOURS = Text(
    "平台上没有本终端可更改的该申请。",
    "The platform has no such application that this terminal may change.",
)
NOT_OWNER = Text(
    "该申请由其他窗口受理，本终端只能为其登记补正材料。",
    "Another window took this application: this terminal may only record a supplement.",
)
FINAL = Text("该申请已作废，状态不能再更改。", "The application was voided: it cannot change.")
REASON_NEEDED = Text("作废必须填写原因。", "A void needs a reason.")
BEFORE_ACCEPTANCE = Text(
    "事件时间早于受理时间，请检查本机时钟。",
    "The event is dated before the acceptance: check this computer's clock.",
)
IN_FUTURE = Text(
    "事件时间晚于平台时间太多，请检查本机时钟。",
    "The event is dated too far ahead of the platform's clock: check this computer's clock.",
)


def _refused(event_id: str, why: Text) -> EventResult:
    return EventResult(event_id=event_id, outcome=Outcome.REJECTED, reason=WireText.of(why))


def _status_refusal(
    row: Row[Any], term: TerminalInfo, ev: StatusEventIn, on_the_spot: bool = False
) -> Text | None:
    """Why `term` may not set `ev.status` on the application `row` (None when it may).
    `on_the_spot`: the application's item is a 即办件, settled by its own window at once."""
    if row.terminal_id != term.terminal_id and ev.status != Status.SUPPLEMENTED:
        return NOT_OWNER
    if ev.status == SETTLED_ON_THE_SPOT and on_the_spot and row.status == Status.RECEIVED:
        return None
    if ev.status not in COUNTER_EVENTS:
        return Text(
            f"终端不能设置状态 {ev.status.value}，该状态由平台设置。",
            f"A terminal may not set status {ev.status.value}: the platform sets it.",
        )
    if row.status == Status.VOIDED:
        return FINAL
    if ev.status in NEEDS_REASON and not ev.note.strip():
        return REASON_NEEDED
    if ev.status == Status.SUPPLEMENTED and not _supplement_asked(row):
        return NO_SUPPLEMENT_ASKED
    return None


def _supplement_asked(row: Row[Any]) -> bool:
    """`sync.supplements.asks_supplement` on the stored row."""
    return asks_supplement(row.status, json.loads(row.notice_items or "[]"))


def _immediate(db: Database, conn: Connection, row: Row[Any]) -> bool:
    """True when the published item version of `row` is a 即办件 (kind immediate)."""
    table = db.t("catalog_items")
    query = select(table.c.definition).where(
        table.c.code == row.service_code, table.c.version == row.service_version
    )
    body = conn.execute(query).scalar_one_or_none()
    return isinstance(body, str) and json.loads(body).get("kind") == "immediate"


def _time_refusal(row: Row[Any], ev: StatusEventIn, tolerance: timedelta) -> Text | None:
    if ev.at < datetime.fromisoformat(row.accepted_at):
        return BEFORE_ACCEPTANCE
    return IN_FUTURE if ev.at > datetime.now(UTC) + tolerance else None


def _application(db: Database, conn: Connection, term: TerminalInfo, uuid: str) -> Row[Any] | None:
    """The application `uuid` when it is in `term`'s hall (another hall's is as unknown)."""
    apps = db.t("applications")
    row = conn.execute(select(apps).where(apps.c.uuid == uuid)).first()
    return row if row is not None and row.hall == term.hall else None


def status_event(
    db: Database, conn: Connection, term: TerminalInfo, ev: StatusEventIn, tolerance: timedelta
) -> EventResult:
    """Take one status event, or say why not; idempotent by the sender's event ID."""
    events = db.t("status_events")
    scoped = f"{term.terminal_id}/{ev.event_id}"
    legacy = (events.c.event_id == ev.event_id) & events.c.terminal_id.is_(None)  # before v2
    if conn.execute(select(events.c.id).where((events.c.event_id == scoped) | legacy)).first():
        return EventResult(event_id=ev.event_id, outcome=Outcome.DUPLICATE)
    row = _application(db, conn, term, ev.uuid)
    if row is None:
        return _refused(ev.event_id, NOT_YOURS)
    spot = ev.status == SETTLED_ON_THE_SPOT and _immediate(db, conn, row)
    why = _status_refusal(row, term, ev, spot) or _time_refusal(row, ev, tolerance)
    if why is not None:
        return _refused(ev.event_id, why)
    at, recorded = ev.at.astimezone(UTC).isoformat(timespec="microseconds"), now_iso()
    values = {"uuid": ev.uuid, "status": ev.status.value, "note": ev.note, "source": "terminal"}
    values |= {"event_id": scoped, "at": at, "recorded_at": recorded}
    values |= {"terminal_id": term.terminal_id, "window": str(term.window)}
    pk = conn.execute(insert(events).values(**values)).inserted_primary_key
    apps = db.t("applications")
    conn.execute(
        update(apps).where(apps.c.uuid == ev.uuid).values(status=ev.status, updated_at=recorded)
    )
    change = StatusChange.model_validate(
        {"remote_id": f"counter-{pk[0] if pk else scoped}", "uuid": row.uuid}
        | {"receipt_no": row.receipt_no, "status": ev.status.value, "note": ev.note, "at": at}
        | {"terminal_id": term.terminal_id, "window": str(term.window)}
    )
    conn.execute(
        insert(db.t("changes")).values(
            kind="status", terminal_id=row.terminal_id, payload=change.model_dump_json(), at=at
        )
    )
    return EventResult(event_id=ev.event_id, outcome=Outcome.STORED)


def rating(db: Database, conn: Connection, term: TerminalInfo, r: RatingIn) -> EventResult:
    """The citizen's rating given at the counter: only the owning terminal may send it;
    `portal.evaluations` then keeps it exactly once (好差评, GB/T 39046)."""
    row = _application(db, conn, term, r.uuid)
    if row is None or row.terminal_id != term.terminal_id:
        return _refused(r.event_id, NOT_YOURS)
    return evaluations.from_terminal(db, conn, term.terminal_id, r)
