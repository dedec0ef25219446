"""Writing one application and reading it back.

`write_submission` runs inside the intake transaction and writes everything that makes an
application real — the receipt number, the submission, its materials, the one-time notice
items, the first status event, the outbox entry and the audit entry — so they exist all
together or not at all. `load_submission` gives the whole record for show, print and sync.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from counter_app.errors import ConflictError, NotFound
from counter_app.store import audit, outbox
from counter_app.store.db import Store
from counter_app.store.materials import StoredMaterial
from counter_app.store.wire_record import wire_record
from forms.text import Text
from sync.canonical import canonical_json
from sync.receipt_numbers import (
    is_mistyped_receipt_no,
    is_valid_receipt_no,
    mistyped_message,
    new_receipt_no,
    normalise_receipt_no,
)

MAX_SEQ = 32**3  # three base32 characters in the receipt number
#: Signs the receipt's QR payload for a new receipt number (None when it cannot).
Signer = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class GivenMaterial:
    code: str
    stored: StoredMaterial
    reused: bool = False


@dataclass(frozen=True, slots=True)
class NoticeItem:
    """A material the one-time notice asks for: "missing", or "wrong" with the clerk's note."""

    material_code: str
    reason: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class MaterialRef:
    material_code: str
    sha256: str
    reused: bool
    size: int
    mime: str


@dataclass(frozen=True, slots=True)
class StatusEvent:
    status: str
    note: str
    source: str
    at: datetime
    remote_id: str | None


@dataclass(frozen=True, slots=True)
class NewSubmission:
    """Everything intake decided, ready to be written."""

    uuid: str
    kind: str  # "acceptance" | "notice"
    service_code: str
    service_version: int
    applicant: dict[str, str]  # kind, id_no, name, phone
    answers: dict[str, Any]
    status: str
    accepted_at: datetime  # aware, UTC
    day: date  # the hall's local date of accepted_at
    due_date: date | None
    clerk_id: str
    materials: tuple[GivenMaterial, ...] = ()
    notice_items: tuple[NoticeItem, ...] = ()
    signature: StoredMaterial | None = None
    rating: int | None = None
    notice_uuid: str | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    """A stored application with its materials, notice items and status history."""

    uuid: str
    receipt_no: str
    kind: str
    service_code: str
    service_version: int
    applicant: dict[str, Any]
    answers: dict[str, Any]
    status: str
    accepted_at: datetime
    accepted_day: date
    due_date: date | None
    clerk_id: str
    terminal_id: str
    hall: str
    window: str
    signature: str | None
    rating: int | None
    content_hash: str
    sync_state: str
    sync_error: str | None
    notice_uuid: str | None
    settled_at: datetime | None
    materials: tuple[MaterialRef, ...] = field(default=())
    notice_items: tuple[NoticeItem, ...] = field(default=())
    events: tuple[StatusEvent, ...] = field(default=())
    signed_payload: str | None = None  # None: taken before it was signed at intake
    due_provisional: bool = False  # counted across a year whose holidays are unpublished


def next_sequence(store: Store, day: date) -> int:
    """The terminal's next number for `day` (inside the caller's transaction)."""
    seq = int(
        store.scalar(
            "INSERT INTO receipt_counters (day, last_seq) VALUES (?, 1) ON CONFLICT(day) "
            "DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
            (day.toordinal(),),
        )
    )
    if seq >= MAX_SEQ:
        raise ConflictError(
            Text(
                f"本终端今日受理编号已用完（{MAX_SEQ - 1} 件），请换用其他终端。",
                f"This terminal has used all {MAX_SEQ - 1} numbers of the day; use another one.",
            )
        )
    return seq


def write_submission(
    store: Store, new: NewSubmission, ident: dict[str, str], sign: Signer | None = None
) -> str:
    """Write the application (inside the caller's transaction); returns its receipt number.
    `ident` holds the terminal_id, hall and window at the time of writing. `sign` gives the
    receipt's signed QR payload, stored with the submission and in the wire record, so
    receipts and pushes reuse it instead of signing again. The outbox gets the wire record
    (`wire_record`) as it will be sent; the row and the audit entry its content hash."""
    receipt_no = new_receipt_no(new.day, ident["terminal_id"], next_sequence(store, new.day))
    signed = sign(receipt_no) if sign is not None else None
    record = wire_record(new, receipt_no, ident, signed)
    _upsert_applicant(store, new)
    _insert_materials(store, new)
    store.insert(
        "submissions",
        {
            "uuid": new.uuid,
            "receipt_no": receipt_no,
            "kind": new.kind,
            "service_code": new.service_code,
            "service_version": new.service_version,
            "applicant_id": new.applicant["id_no"],
            "answers": canonical_json(new.answers),
            "status": new.status,
            "accepted_at": new.accepted_at.isoformat(),
            "accepted_day": new.day.isoformat(),
            "due_date": new.due_date.isoformat() if new.due_date else None,
            "clerk_id": new.clerk_id,
            **ident,
            "signature": record["signature"],
            "rating": new.rating,
            "content_hash": record["content_hash"],
            "notice_uuid": new.notice_uuid,
            "signed_payload": signed,
        },
    )
    _insert_links(store, new)
    add_event(store, new.uuid, new.status, "", "local", new.accepted_at)
    outbox.enqueue(store, "submission", new.uuid, record, new.accepted_at)
    audit.append(
        store,
        new.clerk_id,
        f"submission.{new.kind}",
        receipt_no,
        {"uuid": new.uuid, "service": new.service_code, "content_hash": record["content_hash"]},
        at=new.accepted_at,
    )
    return receipt_no


def add_event(
    store: Store,
    uuid: str,
    status: str,
    note: str,
    source: str,
    at: datetime,
    remote_id: str | None = None,
) -> None:
    store.insert(
        "status_events",
        {
            "uuid": uuid,
            "status": status,
            "note": note,
            "source": source,
            "at": at.isoformat(),
            "remote_id": remote_id,
        },
    )


def _upsert_applicant(store: Store, new: NewSubmission) -> None:
    a, when = new.applicant, new.accepted_at.isoformat()
    row = store.one("SELECT last_answers FROM applicants WHERE id_no = ?", (a["id_no"],))
    last = json.loads(row["last_answers"]) if row else {}
    last[new.service_code] = new.answers
    store.execute(
        "INSERT INTO applicants (id_no, kind, name, phone, last_answers, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id_no) DO UPDATE SET kind = excluded.kind,"
        " name = excluded.name, phone = excluded.phone, last_answers = excluded.last_answers,"
        " updated_at = excluded.updated_at",
        (
            a["id_no"],
            a["kind"],
            a["name"],
            a.get("phone") or None,
            canonical_json(last),
            when,
            when,
        ),
    )


def _insert_materials(store: Store, new: NewSubmission) -> None:
    stored = [m.stored for m in new.materials]
    if new.signature is not None:
        stored.append(new.signature)
    for s in stored:
        store.insert(
            "materials",
            {
                "sha256": s.sha256,
                "size": s.size,
                "mime": s.mime,
                "stored_at": new.accepted_at.isoformat(),
            },
            or_ignore=True,
        )


def _insert_links(store: Store, new: NewSubmission) -> None:
    for m in new.materials:
        store.insert(
            "submission_materials",
            {
                "uuid": new.uuid,
                "material_code": m.code,
                "sha256": m.stored.sha256,
                "reused": int(m.reused),
            },
            or_ignore=True,
        )
        store.insert(
            "applicant_materials",
            {
                "applicant_id": new.applicant["id_no"],
                "material_code": m.code,
                "sha256": m.stored.sha256,
                "given_at": new.accepted_at.isoformat(),
            },
            or_ignore=True,
        )
    for n in new.notice_items:
        store.insert(
            "notice_items",
            {
                "uuid": new.uuid,
                "material_code": n.material_code,
                "reason": n.reason,
                "note": n.note,
            },
        )


# -- reading -------------------------------------------------------------------------------
def find_row(store: Store, key: str, columns: str = "*") -> dict[str, Any]:
    """The submission row for a receipt number (as typed) or a UUID; NotFound otherwise.
    `columns` (SQL, e.g. "uuid, receipt_no") narrows it where the whole row is not needed."""
    row = None
    if is_valid_receipt_no(key):
        row = store.one(
            f"SELECT {columns} FROM submissions WHERE receipt_no = ?",
            (normalise_receipt_no(key),),
        )
    if row is None:
        row = store.one(f"SELECT {columns} FROM submissions WHERE uuid = ?", (key.strip().lower(),))
    if row is None:
        raise NotFound(_not_found(key))
    return row


def _not_found(key: str) -> Text:
    if is_mistyped_receipt_no(key):
        return mistyped_message(key)
    return Text(f"没有编号为 {key} 的申请。", f"No application numbered {key}.")


def load_submission(store: Store, key: str) -> Submission:
    """The whole record of one application."""
    row = find_row(store, key)
    return _build(store, row)


def _build(store: Store, row: dict[str, Any]) -> Submission:
    uuid = row["uuid"]
    applicant = (
        store.one(
            "SELECT id_no, kind, name, phone FROM applicants WHERE id_no = ?",
            (row["applicant_id"],),
        )
        or {}
    )
    return Submission(
        uuid=uuid,
        receipt_no=row["receipt_no"],
        kind=row["kind"],
        service_code=row["service_code"],
        service_version=row["service_version"],
        applicant=applicant,
        answers=json.loads(row["answers"]),
        status=row["status"],
        accepted_at=datetime.fromisoformat(row["accepted_at"]),
        accepted_day=date.fromisoformat(row["accepted_day"]),
        due_date=date.fromisoformat(row["due_date"]) if row["due_date"] else None,
        clerk_id=row["clerk_id"],
        terminal_id=row["terminal_id"],
        hall=row["hall"],
        window=row["window"],
        signature=row["signature"],
        rating=row["rating"],
        content_hash=row["content_hash"],
        sync_state=row["sync_state"],
        sync_error=row["sync_error"],
        notice_uuid=row["notice_uuid"],
        settled_at=datetime.fromisoformat(row["settled_at"]) if row["settled_at"] else None,
        materials=_materials(store, uuid),
        notice_items=_notice_items(store, uuid),
        events=_events(store, uuid),
        signed_payload=row.get("signed_payload"),
        due_provisional=bool(row.get("due_provisional")),
    )


def _materials(store: Store, uuid: str) -> tuple[MaterialRef, ...]:
    rows = store.query(
        "SELECT sm.material_code, sm.sha256, sm.reused, m.size, m.mime FROM "
        "submission_materials sm JOIN materials m ON m.sha256 = sm.sha256 WHERE sm.uuid = ? "
        "ORDER BY sm.rowid",
        (uuid,),
    )
    return tuple(
        MaterialRef(r["material_code"], r["sha256"], bool(r["reused"]), r["size"], r["mime"])
        for r in rows
    )


def _notice_items(store: Store, uuid: str) -> tuple[NoticeItem, ...]:
    rows = store.query(
        "SELECT material_code, reason, note FROM notice_items WHERE uuid = ? ORDER BY rowid",
        (uuid,),
    )
    return tuple(NoticeItem(r["material_code"], r["reason"], r["note"]) for r in rows)


def _events(store: Store, uuid: str) -> tuple[StatusEvent, ...]:
    rows = store.query("SELECT * FROM status_events WHERE uuid = ? ORDER BY at, id", (uuid,))
    return tuple(
        StatusEvent(
            r["status"], r["note"], r["source"], datetime.fromisoformat(r["at"]), r["remote_id"]
        )
        for r in rows
    )
