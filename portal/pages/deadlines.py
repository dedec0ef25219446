"""Time limits: per service item, in working days from acceptance at the counter.

A department may set a limit per item in the back office (`item_limits`); it counts working
days (forms.workdays, the State Council calendar) from the hall-local date of acceptance.
Without one, the promised date printed on the receipt (`due_date`, from the catalog's
promised days) is the limit. One function, `promised_date`, decides for the tracking page,
the back office's overdue flag and open data alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, delete, insert, select

from forms.text import Text
from forms.workdays import add_working_days, working_days_between
from portal.db import Database, now_iso
from portal.errors import Invalid
from sync.hall_time import portal_zone
from sync.statuses import OPEN, SETTLED

#: The halls' time zone ($PORTAL_TIMEZONE, default China's): working days are hall days.
HALL_TZ = portal_zone()
MAX_DAYS = 365


def local_day(iso: str) -> date:
    """The hall-local date of a stored UTC ISO time."""
    return datetime.fromisoformat(iso).astimezone(HALL_TZ).date()


def utc_bounds(start: date, end: date) -> tuple[str, str]:
    """The UTC ISO range [lo, hi) of hall-local days start..end, for an indexed text
    comparison with the stored times."""
    lo = datetime.combine(start, time(0), HALL_TZ).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), HALL_TZ).astimezone(UTC)
    return lo.isoformat(timespec="microseconds"), hi.isoformat(timespec="microseconds")


def item_limits(conn: Connection, db: Database) -> dict[str, int]:
    table = db.t("item_limits")
    rows = conn.execute(select(table.c.service_code, table.c.working_days)).all()
    return {code: days for code, days in rows}


def set_item_limit(db: Database, service_code: str, days: int | None, actor: str) -> None:
    """Set (or with None, clear) the limit of an item in working days."""
    code = service_code.strip()
    if not code or (days is not None and not 1 <= days <= MAX_DAYS):
        raise Invalid(
            Text(
                f"时限应为 1 到 {MAX_DAYS} 个工作日。",
                f"A time limit is 1 to {MAX_DAYS} working days.",
            )
        )
    from portal.pages import rollup  # here: the rollup counts with this module's days

    table = db.t("item_limits")
    with db.begin() as conn, rollup.following_item(conn, code):  # its promised dates move
        conn.execute(delete(table).where(table.c.service_code == code))
        if days is not None:
            values = {"working_days": days, "updated_by": actor, "updated_at": now_iso()}
            conn.execute(insert(table).values(service_code=code, **values))


def promised_date(accepted_at: str, due_date: str | None, limit: int | None) -> date | None:
    """The day by which the application must be settled."""
    return promised_on(local_day(accepted_at), due_date, limit)


def promised_on(accepted_on: date, due_date: str | None, limit: int | None) -> date | None:
    """`promised_date` from the hall-local day of acceptance (the grouped statistics)."""
    if limit is not None:
        return add_working_days(accepted_on, limit)
    return date.fromisoformat(due_date) if due_date else None


def is_overdue(status: str, promised: date | None, settled_on: date | None, today: date) -> bool:
    """Still open past its promised date, or settled after it."""
    if promised is None:
        return False
    if status in OPEN:
        return today > promised
    return status in SETTLED and settled_on is not None and settled_on > promised


def working_days_taken(accepted_at: str, settled_on: date) -> int:
    return days_taken(local_day(accepted_at), settled_on)


def days_taken(accepted_on: date, settled_on: date) -> int:
    """Working days from the day of acceptance to settlement (never negative)."""
    return max(0, working_days_between(accepted_on, settled_on))


def today() -> date:
    return datetime.now(HALL_TZ).date()
