"""A one-time notice and its supplement: what the notice lists, what a supplement carries
over from it, and whether a notice may still be supplemented."""

from __future__ import annotations

from counter_app.errors import ConflictError
from counter_app.store.db import Store
from counter_app.store.materials import StoredMaterial
from counter_app.store.submissions import GivenMaterial, Submission
from forms.text import Text
from sync.receipt_numbers import display_receipt_no
from sync.statuses import Status


def carried_materials(notice: Submission) -> list[GivenMaterial]:
    wrong = {n.material_code for n in notice.notice_items if n.reason == "wrong"}
    return [
        GivenMaterial(
            m.material_code, StoredMaterial(m.sha256, m.size, m.mime, ""), reused=m.reused
        )
        for m in notice.materials
        if m.material_code not in wrong
    ]


def carried_signature(notice: Submission) -> StoredMaterial | None:
    return StoredMaterial(notice.signature, 0, "image/png", "png") if notice.signature else None


def check_open_notice(store: Store, notice: Submission) -> None:
    if notice.kind != "notice" or notice.status != Status.NOTICE_ISSUED:
        raise ConflictError(
            Text(
                f"{display_receipt_no(notice.receipt_no)} 不是待补正的告知单。",
                f"{display_receipt_no(notice.receipt_no)} is not an open notice.",
            )
        )
    done = store.scalar("SELECT receipt_no FROM submissions WHERE notice_uuid = ?", (notice.uuid,))
    if done:
        raise ConflictError(
            Text(
                f"该告知单已补正受理，受理编号 {display_receipt_no(done)}。",
                f"Already supplemented: receipt {display_receipt_no(done)}.",
            )
        )
