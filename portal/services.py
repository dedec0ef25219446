"""What the platform does with applications: take pushes idempotently, keep conflicts, set
statuses, feed changes back, publish catalog versions.

Idempotency: an application is keyed by its client-generated UUID. The same UUID, revision
and content hash again is a DUPLICATE (the reply the terminal lost is simply given again);
a higher revision from the terminal that owns it supersedes (a notice completed into an
acceptance); anything else with that UUID or receipt number is a CONFLICT, kept in
`conflicts` for the supervisor and never written over the stored application.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, or_, select, update

from forms.text import Text
from portal import audit_heads
from portal import events as events_
from portal.db import Database, now_iso
from portal.enrollment import TerminalInfo
from portal.errors import Invalid, NotFound
from portal.feed import changes, publish_catalog
from sync.canonical import canonical_json, content_hash
from sync.protocol import (
    ApplicationIn,
    ApplicationState,
    Outcome,
    PushReply,
    PushRequest,
    PushResult,
    StatusChange,
    WireText,
)
from sync.receipt_numbers import normalise_receipt_no, receipt_terminal_id
from sync.statuses import ACCEPTANCE_STATES, COUNTER_ONLY, Status, choices
from sync.supplements import asks_supplement, note_codes

OTHER_HALL = Text("该记录属于其他大厅。", "This record belongs to another hall.")
HASH_MISMATCH = Text(
    "内容与其哈希不符（传输中损坏？）。", "Content does not match its hash (damaged in transit?)."
)
CONFLICT = Text(
    "同一编号的申请内容不同，已保留待主管处理。",
    "Same application ID with different content: kept for the supervisor.",
)
VOIDED_FINAL = Text(
    "该申请已在窗口作废，状态不能再更改。",
    "The application was voided at the counter: its status cannot change.",
)
BAD_NUMBER = Text(
    "受理编号格式或校验位错误。", "The receipt number is malformed or its check character fails."
)
DEFAULT_TOLERANCE = timedelta(hours=1)
__all__ = [
    "COUNTER_ONLY",
    "changes",
    "get_application",
    "list_conflicts",
    "publish_catalog",
    "push",
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
        results = [_push_one(db, conn, term, app, known) for app in req.applications]
        if req.events:
            db.serialize_changes(conn)  # accepted events go into the owner's changes feed
        events = [events_.status_event(db, conn, term, ev, tolerance) for ev in req.events]
        events += [events_.rating(db, conn, term, r) for r in req.ratings]
        if req.audit_head is not None:
            _record_audit_head(db, conn, term, req.audit_head.seq, req.audit_head.hash)
            audit_heads.record_anchor(db, conn, term, req.audit_head)
    return PushReply(results=results, event_results=events)


def _result(app: ApplicationIn, outcome: Outcome, reason: Text | None = None) -> PushResult:
    wire = WireText.of(reason) if reason else None
    return PushResult(uuid=app.uuid, outcome=outcome, reason=wire)


def _not_yours(app: ApplicationIn, term: TerminalInfo) -> Text | None:
    """Why `term` may not push `app` (None when it may): the receipt number must be valid,
    in its compact form, and issued by `term` itself; the hall must be `term`'s. Without
    this a terminal could take another's (predictable) numbers and block its pushes."""
    issuer = receipt_terminal_id(app.receipt_no)
    if issuer is None or app.receipt_no != normalise_receipt_no(app.receipt_no):
        return BAD_NUMBER
    if issuer != term.terminal_id:
        return Text(
            f"受理编号 {app.receipt_no} 由终端 {issuer} 发出，不属于本终端 {term.terminal_id}。",
            f"Receipt number {app.receipt_no} was issued by terminal {issuer}, "
            f"not by this terminal {term.terminal_id}.",
        )
    if app.status not in ACCEPTANCE_STATES:
        return Text(
            f"申请只能以受理状态上传，不能是 {app.status.value}。",
            f"An application is pushed as accepted, not as {app.status.value}.",
        )
    return OTHER_HALL if app.hall != term.hall else None


def _push_one(
    db: Database, conn: Connection, term: TerminalInfo, app: ApplicationIn, known: set[str]
) -> PushResult:
    refusal = _not_yours(app, term)
    if refusal is not None:
        return _result(app, Outcome.REJECTED, refusal)
    digest = content_hash(app)
    if digest != app.content_hash:
        return _result(app, Outcome.REJECTED, HASH_MISMATCH)
    apps = db.t("applications")
    # One statement for both keys: under READ COMMITTED two statements could see a racing
    # push's row in the second only, and call the same application a conflict.
    same = or_(apps.c.uuid == app.uuid, apps.c.receipt_no == app.receipt_no)
    rows = conn.execute(select(apps).where(same)).all()
    row = next((r for r in rows if r.uuid == app.uuid), None)
    if row is None:
        if rows:  # another application already holds this receipt number
            return _conflict(db, conn, term, app, rows[0])
    elif row.hall != term.hall:
        return _result(app, Outcome.REJECTED, OTHER_HALL)
    elif row.revision == app.revision and row.content_hash == digest:
        return _result(app, Outcome.DUPLICATE)
    elif row.revision > app.revision:
        return _result(app, Outcome.DUPLICATE)  # an older revision replayed late
    elif row.revision == app.revision or row.terminal_id != term.terminal_id:
        return _conflict(db, conn, term, app, row)
    missing = [h for h in app.files() if h not in known]
    if missing:
        return PushResult(uuid=app.uuid, outcome=Outcome.MISSING_MATERIALS, missing=missing)
    _write_application(db, conn, term, app, replace=row is not None)
    return _result(app, Outcome.STORED)


def _conflict(
    db: Database, conn: Connection, term: TerminalInfo, app: ApplicationIn, row: Row[Any]
) -> PushResult:
    table = db.t("conflicts")
    exists = conn.execute(
        select(table.c.id).where(
            table.c.uuid == app.uuid, table.c.incoming_hash == app.content_hash
        )
    ).first()
    if exists is None:
        conn.execute(
            insert(table).values(
                uuid=app.uuid,
                receipt_no=app.receipt_no,
                terminal_id=term.terminal_id,
                hall=term.hall,
                stored_hash=row.content_hash,
                incoming_hash=app.content_hash,
                incoming=app.model_dump_json(),
                reason=CONFLICT.en,
                received_at=now_iso(),
            )
        )
    return _result(app, Outcome.CONFLICT, CONFLICT)


def _write_application(
    db: Database, conn: Connection, term: TerminalInfo, app: ApplicationIn, replace: bool
) -> None:
    apps, mats = db.t("applications"), db.t("application_materials")
    now = now_iso()
    values = {
        "revision": app.revision,
        "receipt_no": app.receipt_no,
        "terminal_id": term.terminal_id,
        "hall": term.hall,
        "window": app.window,
        "clerk_id": app.clerk_id,
        "kind": app.kind,
        "service_code": app.service_code,
        "service_version": app.service_version,
        "accepted_at": app.accepted_at.isoformat(),
        "due_date": app.due_date.isoformat() if app.due_date else None,
        "status": app.status.value,
        "answers": canonical_json(app.answers),
        "applicant": canonical_json(app.applicant.model_dump()),
        "applicant_id_no": app.applicant.id_no.strip().upper(),  # the lookup's index
        "signature": app.signature,
        "notice_items": canonical_json([n.model_dump() for n in app.notice_items]),
        "notice_uuid": app.notice_uuid,
        "signed_payload": app.signed_payload,
        "content_hash": app.content_hash,
        "updated_at": now,
    }
    if replace:
        conn.execute(update(apps).where(apps.c.uuid == app.uuid).values(**values))
        conn.execute(delete(mats).where(mats.c.uuid == app.uuid))
    else:
        conn.execute(insert(apps).values(uuid=app.uuid, received_at=now, **values))
    rows = [
        {"uuid": app.uuid, "material_code": code, "sha256": sha}
        for code, hashes in app.materials.items()
        for sha in dict.fromkeys(hashes)
    ]
    if rows:
        conn.execute(insert(mats), rows)
    _insert_event(db, conn, app.uuid, app.status, "", "terminal", None, app.accepted_at.isoformat())


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


def _find(conn: Connection, db: Database, receipt_no: str) -> Row[Any]:
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
        row = _find(conn, db, receipt_no)
        if row.status == Status.VOIDED:  # final: the terminal would never show the change
            raise Invalid(VOIDED_FINAL)
        at = now_iso()
        event_id = _insert_event(db, conn, row.uuid, new, note, "portal", None, at)
        apps = db.t("applications")
        conn.execute(update(apps).where(apps.c.uuid == row.uuid).values(status=new, updated_at=at))
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
        row = _find(conn, db, receipt_no)
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
