"""What the platform does with applications: take pushes idempotently, keep conflicts, set
statuses, feed changes back, publish catalog versions.

Idempotency: an application is keyed by its client-generated UUID. The same UUID, revision
and content hash again is a DUPLICATE (the reply the terminal lost is simply given again);
a higher revision from the terminal that owns it supersedes (a notice completed into an
acceptance); anything else with that UUID or receipt number is a CONFLICT, kept in
`conflicts` for the supervisor and never written over the stored application. A batch's
applications are decided and stored as a set (`portal.ingest`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from forms.text import Text
from portal import audit_heads, enrollment, ingest
from portal import events as events_
from portal.db import Database, now_iso
from portal.enrollment import TerminalInfo
from portal.errors import Invalid, NotFound
from portal.feed import changes, publish_catalog
from portal.pages import rollup
from sync.protocol import (
    ApplicationState,
    PushReply,
    PushRequest,
    StatusChange,
)
from sync.receipt_numbers import normalise_receipt_no
from sync.statuses import COUNTER_ONLY, Status, choices
from sync.supplements import asks_supplement, note_codes

VOIDED_FINAL = Text(
    "该申请已在窗口作废，状态不能再更改。",
    "The application was voided at the counter: its status cannot change.",
)
DEFAULT_TOLERANCE = timedelta(hours=1)
#: (transaction, hashes, hall) -> those the hall holds: `MaterialStore.held_in`.
Held = Callable[[Connection, list[str], str], set[str]]
__all__ = [
    "COUNTER_ONLY",
    "changes",
    "get_application",
    "list_conflicts",
    "publish_catalog",
    "push",
    "push_with_token",
    "resolve_conflict",
    "set_status",
]


def push(
    db: Database,
    term: TerminalInfo,
    req: PushRequest,
    known: set[str],
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> PushReply:
    """Store a batch in one transaction; `known` = material hashes the platform holds for
    the terminal's hall; `tolerance` = how far ahead of now an event's time may be."""
    with db.begin() as conn:
        return _store(db, conn, term, req, known, tolerance)


def push_with_token(
    db: Database,
    token: str,
    req: PushRequest,
    held: Held,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> PushReply:
    """The push route: the Bearer `token` checked, the hall's materials asked (`held`) and
    the batch stored in ONE transaction, so one pooled connection per push (three
    transactions cost ~15% of a push's server CPU: `docs/performance.md`)."""
    with db.begin() as conn:
        term = enrollment.authenticate_in(db, conn, token)
        hashes = list(dict.fromkeys(h for a in req.applications for h in a.files()))
        known = held(conn, hashes, term.hall) if hashes else set()
        return _store(db, conn, term, req, known, tolerance)


def _store(
    db: Database,
    conn: Connection,
    term: TerminalInfo,
    req: PushRequest,
    known: set[str],
    tolerance: timedelta,
) -> PushReply:
    touched = [a.uuid for a in req.applications] + [e.uuid for e in req.events]
    touched += [r.uuid for r in req.ratings]
    with rollup.following(conn, touched):  # open data's counts move with the batch
        results = ingest.push_applications(db, conn, term, req.applications, known)
        if req.events:
            db.serialize_changes(conn)  # accepted events go into the owner's changes feed
        events = [events_.status_event(db, conn, term, ev, tolerance) for ev in req.events]
        events += [events_.rating(db, conn, term, r) for r in req.ratings]
        if req.audit_head is not None:
            _record_audit_head(db, conn, term, req.audit_head.seq, req.audit_head.hash)
            audit_heads.record_anchor(db, conn, term, req.audit_head)
    return PushReply(results=results, event_results=events)


def _insert_event(
    db: Database,
    conn: Connection,
    uuid: str,
    status: str,
    note: str,
    source: str,
    event_id: str | None,
    at: str,
) -> int:
    table = db.t("status_events")
    values: dict[str, str | None] = {"uuid": uuid, "status": status, "note": note}
    values["source"] = source
    values |= {"event_id": event_id, "at": at, "recorded_at": now_iso()}
    pk = conn.execute(insert(table).values(**values)).inserted_primary_key
    return int(pk[0]) if pk else 0


def _record_audit_head(
    db: Database, conn: Connection, term: TerminalInfo, seq: int, head: str
) -> None:
    now = now_iso()
    conn.execute(
        insert(db.t("audit_heads")).values(
            terminal_id=term.terminal_id, seq=seq, hash=head, received_at=now
        )
    )
    terms = db.t("terminals")
    conn.execute(
        update(terms)
        .where(terms.c.terminal_id == term.terminal_id)
        .values(audit_seq=seq, audit_hash=head, last_seen_at=now)
    )


# --- statuses set on the platform -------------------------------------------------------


def find_application(conn: Connection, db: Database, receipt_no: str) -> Row[Any]:
    """The application row of `receipt_no` (typed with or without dashes); NotFound."""
    apps = db.t("applications")
    compact = normalise_receipt_no(receipt_no)
    row = conn.execute(select(apps).where(apps.c.receipt_no.in_([receipt_no, compact]))).first()
    if row is None:
        raise _no_such(receipt_no)
    return row


def _no_such(receipt_no: str) -> NotFound:
    return NotFound(
        Text(f"平台上没有受理编号 {receipt_no}。", f"No application {receipt_no} here.")
    )


def set_status(db: Database, receipt_no: str, status: str, note: str = "") -> StatusChange:
    """Move an application to `status` (back office); the owning terminal pulls it."""
    valid = choices()
    try:
        new = Status(status)
    except ValueError:
        raise Invalid(
            Text(
                f"未知状态：{status}。可选：{valid.zh}",
                f"Unknown status: {status}. Valid: {valid.en}",
            )
        ) from None
    if new in COUNTER_ONLY:
        raise Invalid(
            Text(
                f"状态 {status} 只能在窗口设置。可选：{valid.zh}",
                f"Status {status} is set at the counter. Valid: {valid.en}",
            )
        )
    with db.begin() as conn:
        db.serialize_changes(conn)
        row = find_application(conn, db, receipt_no)
        if row.status == Status.VOIDED:  # final: the terminal would never show the change
            raise Invalid(VOIDED_FINAL)
        at = now_iso()
        with rollup.following(conn, [row.uuid]):
            event_id = _insert_event(db, conn, row.uuid, new, note, "portal", None, at)
            apps = db.t("applications")
            moved = update(apps).where(apps.c.uuid == row.uuid).values(status=new, updated_at=at)
            conn.execute(moved)
        change = StatusChange.model_validate(
            {"remote_id": f"portal-{event_id}", "uuid": row.uuid, "receipt_no": row.receipt_no}
            | {"status": new.value, "note": note, "at": at}
        )
        conn.execute(
            insert(db.t("changes")).values(
                kind="status",
                terminal_id=row.terminal_id,
                payload=change.model_dump_json(),
                at=at,
            )
        )
    return change


def get_application(db: Database, term: TerminalInfo, receipt_no: str) -> ApplicationState:
    """What the platform holds for `receipt_no`. Another hall's application is answered
    exactly as one that does not exist (404), so a terminal cannot learn which numbers
    other halls have issued."""
    with db.begin() as conn:
        row = find_application(conn, db, receipt_no)
        if row.hall != term.hall:
            raise _no_such(receipt_no)
        mats = db.t("application_materials")
        pairs = conn.execute(
            select(mats.c.material_code, mats.c.sha256).where(mats.c.uuid == row.uuid)
        ).all()
    materials: dict[str, list[str]] = {}
    for code, sha in pairs:
        materials.setdefault(code, []).append(sha)
    return ApplicationState(
        uuid=row.uuid,
        receipt_no=row.receipt_no,
        revision=row.revision,
        status=row.status,
        hall=row.hall,
        terminal_id=row.terminal_id,
        content_hash=row.content_hash,
        materials=materials,
        **_case(db, row),
    )


def _case(db: Database, row: Row[Any]) -> dict[str, Any]:
    """What another window of the hall shows to continue the case: the item, the masked
    applicant, what the notice asked for and what was supplemented since."""
    from printing.model import mask_name

    items = json.loads(row.notice_items or "[]")
    events = db.t("status_events")
    query = select(events.c.note).where(
        (events.c.uuid == row.uuid) & (events.c.status == Status.SUPPLEMENTED.value)
    )
    with db.begin() as conn:
        supplied = {c for (note,) in conn.execute(query) for c in note_codes(note or "")}
    return {
        "kind": row.kind,
        "window": row.window,
        "service_code": row.service_code,
        "service_version": row.service_version,
        "applicant_name": mask_name(str(json.loads(row.applicant).get("name", ""))),
        "accepted_at": row.accepted_at,
        "notice_items": [i for i in items if isinstance(i, dict)],
        "supplied": sorted(supplied),
        "supplement_asked": asks_supplement(row.status, items),
    }


def list_conflicts(db: Database, hall: str | None = None) -> list[dict[str, Any]]:
    """Unresolved conflicts for the supervisor, oldest first."""
    table = db.t("conflicts")
    query = select(table).where(table.c.resolved_at.is_(None)).order_by(table.c.id)
    if hall is not None:
        query = query.where(table.c.hall == hall)
    with db.begin() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def resolve_conflict(db: Database, conflict_id: int) -> None:
    """The supervisor has dealt with a conflict: it leaves the open list (the stored
    application is untouched; correcting it is a new application or a status change)."""
    table = db.t("conflicts")
    with db.begin() as conn:
        done = conn.execute(
            update(table)
            .where(table.c.id == conflict_id, table.c.resolved_at.is_(None))
            .values(resolved_at=now_iso())
        )
    if done.rowcount != 1:
        raise NotFound(
            Text(f"没有未处理的冲突 {conflict_id}。", f"No open conflict {conflict_id}.")
        )
