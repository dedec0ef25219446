"""What happens to an application at the counter after intake: a supervisor voids it (the
citizen's ratings are in `counter_app.intake.ratings`). Each change is an event plus its own
outbox entry and audit entry, in one transaction; the submission's snapshot never changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from counter_app.clerks import Session, require_role
from counter_app.errors import ConflictError
from counter_app.store import audit, outbox
from counter_app.store.db import Store
from counter_app.store.submissions import add_event, find_row
from forms.text import Text
from sync.statuses import SETTLED, Status, label

if TYPE_CHECKING:
    from counter_app.terminal import Terminal


def void(terminal: Terminal, receipt_no: str, reason: str, actor: Session | None) -> None:
    """Void an application (supervisor or higher, with a reason); settled or already voided
    applications cannot be voided."""
    session = require_role(actor, "supervisor")
    note = reason.strip()
    if not note:
        raise ConflictError(Text("作废必须填写原因。", "Voiding needs a reason."))
    when = terminal.now().astimezone(UTC)
    store = terminal.store
    with store.transaction():
        row = find_row(store, receipt_no)
        if row["status"] == Status.VOIDED or row["status"] in SETTLED:
            raise ConflictError(
                Text(
                    f"该申请已{label(row['status'], 'zh_CN')}，不能作废。",
                    f"The application is {label(row['status'], 'en').lower()}: cannot void.",
                )
            )
        set_status(store, row, Status.VOIDED, note, when)
        audit.append(
            store, session.clerk_id, "submission.void", row["receipt_no"], {"reason": note}, at=when
        )


def set_status(store: Store, row: dict[str, Any], status: str, note: str, when: datetime) -> None:
    store.execute("UPDATE submissions SET status = ? WHERE uuid = ?", (status, row["uuid"]))
    add_event(store, row["uuid"], status, note, "local", when)
    outbox.enqueue(
        store,
        "status",
        row["uuid"],
        {
            "uuid": row["uuid"],
            "receipt_no": row["receipt_no"],
            "status": str(status),
            "note": note,
            "at": when.isoformat(),
        },
        when,
    )
