"""容缺受理 on the platform: applications accepted with materials to follow (notice items
with reason `deferred`, note `{"form", "due"}`) whose catch-up date has passed without a
supplement. They are listed (flagged) always; the platform setting
`PORTAL_END_LATE_DEFERRALS=1` (or `portal deferrals-late --end`) ends them: the status
becomes `rejected` with a note the citizen reads, and the owning terminal pulls it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal import services
from portal.db import Database
from sync.statuses import Status

#: Open and not yet supplemented: a supplement at any window closes the deferral.
WAITING = (Status.RECEIVED.value, Status.UNDER_REVIEW.value)
ENDED_NOTE = (
    "容缺材料逾期未补交，本申请终止办理。"
    "/ A promised material was not handed in on time: the application is ended."
)


@dataclass(frozen=True, slots=True)
class Late:
    receipt_no: str
    material_code: str
    due: date


def end_by_setting() -> bool:
    """The platform setting: end late applications (else only flag them)."""
    return os.environ.get("PORTAL_END_LATE_DEFERRALS", "") in ("1", "true", "yes")


def late(db: Database, today: date) -> list[Late]:
    """Every deferred material past its date on an application still waiting for it."""
    apps = db.t("applications")
    query = select(apps.c.receipt_no, apps.c.notice_items).where(apps.c.status.in_(WAITING))
    found: list[Late] = []
    with db.begin() as conn:
        for row in conn.execute(query.order_by(apps.c.receipt_no)):
            found += _late_items(row.receipt_no, row.notice_items, today)
    return found


def _late_items(receipt_no: str, items: str | None, today: date) -> list[Late]:
    found = []
    for item in json.loads(items or "[]"):
        if not isinstance(item, dict) or item.get("reason") != "deferred":
            continue
        try:
            due = date.fromisoformat(json.loads(item.get("note") or "{}").get("due", ""))
        except (ValueError, AttributeError):
            continue
        if due < today:
            found.append(Late(receipt_no, str(item.get("code", "")), due))
    return found


def end_late(db: Database, today: date) -> list[str]:
    """End every application with a late deferred material; their receipt numbers."""
    ended = sorted({x.receipt_no for x in late(db, today)})
    for receipt_no in ended:
        services.set_status(db, receipt_no, Status.REJECTED.value, ENDED_NOTE)
    return ended
