"""Clock stops (特别程序): time the law does not count against an application's deadline.

The back office starts a stop with a kind and a reason written for the citizen, and ends it
when the procedure is over; the deadline moves by the working days the clock stood still
(forms.workdays: holidays off, make-up working weekends on). A stop that starts on day S and
ends on day E stopped the working days after S up to and including E (`working_days_between`),
so a stop begun and ended on the same day moves nothing. While a stop is open the deadline
moves day by day, so an application cannot turn overdue while it waits on a hearing.

An extension of review (延长审批) is not open-ended: it names its length in working days,
needs a reason, and may not carry the deadline past the statutory limit (法定办结时限)
counted from acceptance, plus the days of the other stops.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select, update

from forms.limits import TimeLimit
from forms.model import ServiceItem
from forms.text import Text
from forms.workdays import add_working_days, working_days_between
from portal.db import Database, now_iso
from portal.errors import Invalid
from portal.services import find_application

#: The kinds of 特别程序, each as the citizen reads it on the tracking page.
KINDS: dict[str, Text] = {
    "extension": Text("延长审批期限", "Review period extended"),
    "hearing": Text("听证", "Public hearing"),
    "testing": Text("检验、检测、检疫", "Testing or inspection"),
    "expert_review": Text("专家评审", "Expert review"),
    "supplement": Text("等待补正材料", "Waiting for supplementary materials"),
}
EXTENSION_MAX = 60
NO_REASON = Text("特别程序须填写原因。", "A clock stop needs a reason.")


@dataclass(frozen=True, slots=True)
class Stop:
    id: int
    kind: str
    reason: str
    started_on: date
    ended_on: date | None
    days: int | None  # an extension's length in working days

    @property
    def label(self) -> Text:
        return KINDS.get(self.kind, Text(self.kind, self.kind))

    def stopped(self, today: date) -> int:
        """Working days this stop takes off the clock (so far, while it is open)."""
        if self.kind == "extension":
            return self.days or 0
        return max(0, working_days_between(self.started_on, self.ended_on or today))


def stops_by_uuid(conn: Connection, db: Database, uuids: list[str]) -> dict[str, list[Stop]]:
    """Every stop of these applications, oldest first, in one query."""
    table = db.t("clock_stops")
    found: dict[str, list[Stop]] = {}
    if not uuids:
        return found
    query = select(table).where(table.c.uuid.in_(uuids)).order_by(table.c.id)
    for r in conn.execute(query):
        found.setdefault(r.uuid, []).append(stop_of(r))
    return found


def stop_of(r: Any) -> Stop:
    """A stored clock_stops row (or any object with its columns as attributes) as a Stop."""
    ended = date.fromisoformat(r.ended_on) if r.ended_on else None
    return Stop(r.id, r.kind, r.reason, date.fromisoformat(r.started_on), ended, r.days)


def moved(promised: date | None, stops: list[Stop], today: date) -> date | None:
    """The promised date after the clock stops."""
    if promised is None:
        return None
    return add_working_days(promised, sum(s.stopped(today) for s in stops))


def start(
    db: Database, receipt_no: str, kind: str, reason: str, actor: str, on: date,
    days: int | None = None,
) -> Stop:  # fmt: skip
    """Start a stop (an extension is whole at once); Invalid with the reason in zh and en."""
    if kind not in KINDS:
        raise Invalid(Text(f"未知的特别程序：{kind}", f"Unknown clock stop: {kind}"))
    if not reason.strip():
        raise Invalid(NO_REASON)
    with db.begin() as conn:
        app = find_application(conn, db, receipt_no)
        stops = stops_by_uuid(conn, db, [app.uuid]).get(app.uuid, [])
        if kind != "extension" and any(s.ended_on is None and s.kind != "extension" for s in stops):
            raise Invalid(Text("已有未结束的特别程序。", "A clock stop is already running."))
        if kind == "extension":
            _check_extension(conn, db, app, stops, days, on)
        values = {"uuid": app.uuid, "kind": kind, "reason": reason.strip(), "days": days}
        values |= {"started_on": on.isoformat(), "started_by": actor, "started_at": now_iso()}
        if kind == "extension":
            values |= {"ended_on": on.isoformat(), "ended_by": actor, "ended_at": now_iso()}
        pk = conn.execute(insert(db.t("clock_stops")).values(**values)).inserted_primary_key
    end = on if kind == "extension" else None
    return Stop(int(pk[0]) if pk else 0, kind, reason.strip(), on, end, days)


def end(db: Database, receipt_no: str, actor: str, on: date) -> Stop:
    """End the running stop of an application; Invalid when none runs or `on` is too early."""
    table = db.t("clock_stops")
    with db.begin() as conn:
        app = find_application(conn, db, receipt_no)
        running = [s for s in stops_by_uuid(conn, db, [app.uuid]).get(app.uuid, [])
                   if s.ended_on is None]  # fmt: skip
        if not running:
            raise Invalid(Text("没有进行中的特别程序。", "No clock stop is running."))
        stop = running[-1]
        if on < stop.started_on:
            raise Invalid(Text("结束日期早于开始日期。", "The end is before the start."))
        values = {"ended_on": on.isoformat(), "ended_by": actor, "ended_at": now_iso()}
        conn.execute(update(table).where(table.c.id == stop.id).values(**values))
    return Stop(stop.id, stop.kind, stop.reason, stop.started_on, on, stop.days)


def statutory_limit(conn: Connection, db: Database, code: str, version: int) -> TimeLimit | None:
    """The item's 法定办结时限 from the published catalog version the application used."""
    table = db.t("catalog_items")
    query = select(table.c.definition).where(table.c.code == code, table.c.version == version)
    body = conn.execute(query).scalar_one_or_none()
    return ServiceItem.from_dict(_json(body)).legal_limit if body else None


def _json(body: str) -> dict[str, Any]:
    import json

    found = json.loads(body)
    return found if isinstance(found, dict) else {}


def _check_extension(
    conn: Connection, db: Database, app: Any, stops: list[Stop], days: int | None, on: date
) -> None:
    from portal.pages.deadlines import item_limits, local_day, promised_date

    if days is None or not 1 <= days <= EXTENSION_MAX:
        raise Invalid(
            Text(
                f"延长期限应为 1 到 {EXTENSION_MAX} 个工作日。",
                f"An extension is 1 to {EXTENSION_MAX} working days.",
            )
        )
    legal = statutory_limit(conn, db, app.service_code, app.service_version)
    if legal is None:
        raise Invalid(Text("该事项没有已发布的法定时限，不能延长。", "No statutory limit known."))
    limit = item_limits(conn, db).get(app.service_code)
    base = promised_date(app.accepted_at, app.due_date, limit)
    others = sum(s.stopped(on) for s in stops if s.kind != "extension")
    ceiling = add_working_days(legal.due(local_day(app.accepted_at)).day, others)
    extended = moved(base, [*stops, Stop(0, "extension", "", on, on, days)], on)
    if extended is not None and extended > ceiling:
        raise Invalid(
            Text(
                f"延长后（{extended}）超过法定办结时限（{ceiling}）。",
                f"Extended to {extended}, past the statutory limit ({ceiling}).",
            )
        )
