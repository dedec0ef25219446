"""容缺受理: accepting an application with a minor material missing, on a signed promise.

The item's definition says which materials may follow (`MaterialSpec.deferrable`, never a
main one). The applicant signs the promise on the signature pad; the clerk names, for each
deferred material, the form it must come in and the catch-up date, which may not pass the
promised limit. The application is an acceptance and proceeds. Each deferred material is
kept in `deferred_materials` (form, date, the promise's signature) and travels to the
platform as a notice item with reason `deferred` and a note `{"form": .., "due": ..}`
(JSON), so the wire protocol and the content hash of every older record stay as they were.

Past its date without the material it is flagged (`flag_late`); a supplement closes it
(`close`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from counter_app.intake.attachments import path_of
from counter_app.store.db import Store
from counter_app.store.materials import StoredMaterial
from counter_app.store.submissions import NoticeItem
from forms.model import ServiceItem
from forms.text import Text
from forms.validation import FieldProblem
from sync.supplements import make_note, note_codes, note_files


@dataclass(frozen=True, slots=True)
class Deferral:
    """One material promised for later: in which form, by which date."""

    form: str
    due: date


def problems(
    item: ServiceItem,
    required: set[str],
    given: set[str],
    deferred: Mapping[str, Deferral],
    promise_png: bytes | None,
    today: date,
) -> list[FieldProblem]:
    """Every reason these deferrals cannot be accepted, each at its material."""
    found: list[FieldProblem] = []
    latest = item.promised_limit.due(today).day
    for code, d in deferred.items():
        spec = item.material(code)
        why = None
        if spec is None or not spec.deferrable:
            why = Text("该材料不能容缺受理", "this material cannot be deferred")
        elif code not in required or code in given:
            why = Text("该材料无需容缺（不需要或已提交）", "not needed, or already given")
        elif not d.form.strip():
            why = Text("请写明补交材料的形式", "say in which form it must come")
        elif not today <= d.due <= latest:
            why = Text(
                f"补交日期应在 {today} 至承诺办结日 {latest} 之间",
                f"the catch-up date must be from {today} to the promised date {latest}",
            )
        if why is not None:
            found.append(FieldProblem(path_of(code), why))
    if deferred and not promise_png:
        found.append(
            FieldProblem(
                "promise", Text("容缺受理须申请人签署承诺书", "the applicant must sign the promise")
            )
        )
    return found


def notice_items(deferred: Mapping[str, Deferral]) -> tuple[NoticeItem, ...]:
    """The deferrals as they travel with the application (see the module docstring)."""
    return tuple(
        NoticeItem(code, "deferred", json.dumps({"form": d.form.strip(), "due": d.due.isoformat()}))
        for code, d in deferred.items()
    )


def write(
    store: Store, uuid: str, deferred: Mapping[str, Deferral], promise: StoredMaterial | None
) -> None:
    """Inside the intake transaction: the promise's image and one row per deferred material."""
    if promise is not None:
        row = {"sha256": promise.sha256, "size": promise.size, "mime": promise.mime}
        store.insert("materials", row | {"stored_at": _now()}, or_ignore=True)
    for code, d in deferred.items():
        store.insert(
            "deferred_materials",
            {
                "uuid": uuid,
                "material_code": code,
                "form": d.form.strip(),
                "due_date": d.due.isoformat(),
                "promise_sha256": promise.sha256 if promise else None,
            },
        )


def _now() -> str:
    return datetime.now(UTC).isoformat()


def open_for(store: Store, uuid: str) -> list[dict[str, Any]]:
    """The deferred materials of one application not handed in yet."""
    return store.query(
        "SELECT * FROM deferred_materials WHERE uuid = ? AND fulfilled_at IS NULL ORDER BY rowid",
        (uuid,),
    )


def flag_late(store: Store, today: date, now: datetime) -> list[dict[str, Any]]:
    """Flag every deferred material past its date and not handed in; returns all late
    ones (receipt number, material, date), flagged now or before."""
    with store.transaction():
        store.execute(
            "UPDATE deferred_materials SET flagged_at = ? WHERE fulfilled_at IS NULL "
            "AND flagged_at IS NULL AND due_date < ?",
            (now.isoformat(), today.isoformat()),
        )
    return store.query(
        "SELECT s.receipt_no, d.material_code, d.due_date, d.flagged_at FROM deferred_materials d "
        "JOIN submissions s ON s.uuid = d.uuid WHERE d.fulfilled_at IS NULL "
        "AND d.due_date < ? ORDER BY d.due_date, s.receipt_no",
        (today.isoformat(),),
    )


def close(store: Store, uuid: str, codes: set[str], note: str, now: datetime) -> int:
    """Mark these deferred materials handed in (inside the caller's transaction)."""
    closed = 0
    for code in sorted(codes):
        closed += store.execute(
            "UPDATE deferred_materials SET fulfilled_at = ?, fulfilled_note = ? "
            "WHERE uuid = ? AND material_code = ? AND fulfilled_at IS NULL",
            (now.isoformat(), note, uuid, code),
        )
    return closed


def supplement_note(files: Mapping[str, str]) -> str:
    """The note of a `supplemented` event that hands in deferred materials (code -> SHA-256
    of the file taken): `sync.supplements.make_note`, machine-read by the owning terminal."""
    return make_note({c: [s] for c, s in files.items()}, files)


def supplement_codes(note: str) -> set[str]:
    """The deferred materials a `supplemented` event's note hands in (none if not ours)."""
    return set(note_codes(note)) if note_files(note) else set()


def apply_remote(
    store: Store, uuid: str, status: str, note: str, at: datetime, remote_id: str
) -> bool:
    """`apply_remote_status`, and a supplement brought to any window of the hall closes
    the deferred materials it names (the owning terminal learns it from its feed)."""
    from counter_app.store.remote import apply_remote_status

    applied = apply_remote_status(store, uuid, status, note, at, remote_id)
    if applied and status == "supplemented" and (codes := supplement_codes(note)):
        with store.transaction():
            close(store, uuid, codes, "supplemented at a window of the hall", at)
    return applied
