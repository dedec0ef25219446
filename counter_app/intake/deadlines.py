"""What intake writes beyond the application itself for the law's deadlines (issue 15):
the provisional-deadline flag, and a 即办件 settled on the spot in the same transaction as
its acceptance (the receipt then says so; the platform gets the settled status as an event,
like a void)."""

from __future__ import annotations

from datetime import date, datetime

from counter_app.intake import status_changes
from counter_app.store.db import Store
from forms.limits import Deadline
from forms.model import ServiceItem
from sync.statuses import SETTLED_ON_THE_SPOT as ON_THE_SPOT

#: The note of the settled event of a 即办件; shown on the citizen's tracking page.
SETTLED_ON_THE_SPOT = "即办件，当场办结 / Settled on the spot at the window"


def due(item: ServiceItem, day: date) -> Deadline:
    """The application's due date by the item's promised limit (in its unit)."""
    return item.promised_limit.due(day)


def after_write(
    store: Store,
    uuid: str,
    deadline: Deadline | None,
    settle_now: bool,
    when: datetime,
) -> str | None:
    """Inside the intake transaction, once the submission row exists: flag a provisional
    due date, settle a 即办件. Returns the new status when it changed."""
    if deadline is not None and deadline.provisional:
        store.execute("UPDATE submissions SET due_provisional = 1 WHERE uuid = ?", (uuid,))
    if not settle_now:
        return None
    row = store.one("SELECT uuid, receipt_no FROM submissions WHERE uuid = ?", (uuid,))
    assert row is not None  # written just before, in this transaction
    status_changes.set_status(store, row, ON_THE_SPOT, SETTLED_ON_THE_SPOT, when)
    store.execute("UPDATE submissions SET settled_at = ? WHERE uuid = ?", (when.isoformat(), uuid))
    return str(ON_THE_SPOT)
