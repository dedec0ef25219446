"""Outbox entries as terminals wrote them before issue 13 (one record shape): the terminal's
own snapshot of the application, kept in the outbox until the platform confirmed it."""

from __future__ import annotations

from typing import Any

from counter_app.store.submissions import load_submission
from counter_app.terminal import Terminal


def old_snapshot(terminal: Terminal, receipt_no: str) -> dict[str, Any]:
    """The snapshot `submissions.snapshot()` wrote for this application (version 0.1):
    materials as a list with sizes, the terminal's ID, and a local hash over it all (its
    value never went on the wire, so a stand-in does here)."""
    sub = load_submission(terminal.store, receipt_no)
    return {
        "uuid": sub.uuid,
        "receipt_no": sub.receipt_no,
        "kind": sub.kind,
        "service_code": sub.service_code,
        "service_version": sub.service_version,
        "applicant": {k: sub.applicant.get(k) for k in ("kind", "id_no", "name", "phone")},
        "answers": sub.answers,
        "status": sub.events[0].status,
        "accepted_at": sub.accepted_at.isoformat(),
        "due_date": sub.due_date.isoformat() if sub.due_date else None,
        "clerk_id": sub.clerk_id,
        "terminal_id": sub.terminal_id,
        "hall": sub.hall,
        "window": sub.window,
        "signature": sub.signature,
        "materials": [
            {
                "code": m.material_code,
                "sha256": m.sha256,
                "size": m.size,
                "mime": m.mime,
                "reused": m.reused,
            }
            for m in sub.materials
        ],
        "notice_items": [
            {"code": n.material_code, "reason": n.reason, "note": n.note} for n in sub.notice_items
        ],
        "notice_uuid": sub.notice_uuid,
        "content_hash": "0" * 64,
        "signed_payload": sub.signed_payload,
    }
