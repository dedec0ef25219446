"""Open data read from the rollup (`portal.pages.rollup`): per day or month, hall and item
(or window) the summed counts, plus the few counts that depend on the day read for (`now`).
Bad-rating cases come from the rollup too, unless the reader's `rectify_days` is not the
one they were counted with: then they are grouped live (`portal.pages.grouped.read_cases`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, text

from portal.db import Database
from portal.pages import grouped
from portal.pages.cases import RatingRules
from portal.pages.grouped import Cell, as_day, day_of
from portal.pages.rollup import stored_days
from portal.pages.rollup_tables import (
    CASES,
    CODES,
    COUNTS,
    MONTH,
    MONTH_PER_WINDOW,
    PER_WINDOW,
    WHOLE,
    cells,
    month_of,
    pending,
)
from sync.ratings import RATE_WITHIN_DAYS, Satisfaction

Cells = dict[tuple[str, str, str], Cell]


def _filters(target: Any, start: date, end: date, hall: str, item: str, by: str) -> list[Any]:
    where = [_days(target, start, end, PER_WINDOW if by == "window" else WHOLE)]
    if hall:
        where.append(target.c.hall == hall)
    if item:
        where.append(target.c.item == item)
    return where


def _days(target: Any, start: date, end: date, level: int) -> Any:
    c = target.c
    return and_(c.whole == level, c.day >= start.isoformat(), c.day <= end.isoformat())


def _cells_of(q: Any) -> list[Any]:
    """Where the query's cells are: by day, the day rows; by month, the month rows of the
    whole months inside the dates and the day rows of the days around them."""
    where = _filters(cells, q.start, q.end, q.hall, q.item, q.by)
    if q.period != "month":
        return where
    first = q.start if q.start.day == 1 else (q.start.replace(day=1) + timedelta(days=32))
    first = first.replace(day=1)
    after = (q.end + timedelta(days=1)).replace(day=1)  # the whole months end before this
    if first >= after:
        return where
    level = MONTH_PER_WINDOW if q.by == "window" else MONTH
    day_level = PER_WINDOW if q.by == "window" else WHOLE
    months = and_(cells.c.whole == level, cells.c.day >= first.isoformat()[:7],
                  cells.c.day <= (after - timedelta(days=1)).isoformat()[:7])  # fmt: skip
    edges = [_days(cells, q.start, first - timedelta(days=1), day_level),
             _days(cells, after, q.end, day_level)]  # fmt: skip
    return [or_(months, *edges), *where[1:]]


#: A year's cells grouped in memory, not in sorted spill files; and planned for the dates
#: asked each time: once psycopg has prepared the statement (its sixth run on a connection)
#: PostgreSQL's generic plan for "any date range" took a year by month from 145 to 260 ms.
_PLANNED = "SET LOCAL work_mem = '64MB'; SET LOCAL plan_cache_mode = force_custom_plan"


def _period(day: Any, size: int) -> Any:
    """The period a rollup day falls in, in SQL: the day itself, or its month ("2026-11"),
    so a year by month comes back as a few thousand summed rows instead of every day's.
    The sums are linear (overdue = late + open with a date − those not yet due), so a
    month's figures are the sums of its days' whichever side adds them."""
    return day if size == 10 else month_of(day)  # a month row's day is its month


def read(
    db: Database, q: Any, where: list[Any], now: date, rules: RatingRules
) -> Cells:  # fmt: skip
    """{(period, hall, item or window): Cell} for the StatsQuery `q` (`where`: the same
    query over the applications, for the bad-rating cases)."""
    size = 7 if q.period == "month" else 10
    third = cells.c.window if q.by == "window" else cells.c.item
    sums = [func.sum(cells.c[n]) for n in COUNTS + CODES + CASES]
    period = _period(cells.c.day, size)
    counted = (
        select(period, cells.c.hall, third, *sums)
        .where(*_cells_of(q))
        .group_by(period, cells.c.hall, third)
        .having(func.sum(cells.c.received) > 0)
    )
    waited_from = (now - timedelta(days=RATE_WITHIN_DAYS)).isoformat()
    recent = [and_(pending.c.kind == "open", pending.c["on"] >= now.isoformat()),
              and_(pending.c.kind == "case", pending.c["on"] >= now.isoformat())]  # fmt: skip
    if rules.default_basic:  # only then do unrated applications turn into 基本满意
        recent.append(and_(pending.c.kind == "unrated", pending.c["on"] >= waited_from))
    pthird = pending.c.window if q.by == "window" else pending.c.item
    pperiod = _period(pending.c.day, size)
    turning = (
        select(pperiod, pending.c.hall, pthird, pending.c.kind, func.sum(pending.c.n))
        .where(*_filters(pending, q.start, q.end, q.hall, q.item, q.by), or_(*recent))
        .group_by(pperiod, pending.c.hall, pthird, pending.c.kind)
    )
    apps = db.t("applications")
    third_app = apps.c.window if q.by == "window" else apps.c.service_code
    keys = [day_of(db, apps.c.accepted_at), apps.c.hall, third_app]
    with db.begin() as conn:
        if db.is_postgres:
            conn.execute(text(_PLANNED))
        rows = conn.execute(counted).all()
        not_yet = {(r[0], r[1], r[2], r[3]): int(r[4]) for r in conn.execute(turning)}
        rolled = stored_days(conn) == rules.rectify_days
        cases = [] if rolled else grouped.read_cases(db, conn, keys, where)
    found: Cells = defaultdict(Cell)

    def cell(day: str, hall: str, key: str) -> Cell:
        """The rollup's days are hall days as text already (a fixed offset: `day_sql`)."""
        return found[(day[:size], hall, key)]

    for row in rows:
        day, hall, key = row[0], row[1], row[2]
        n = dict(zip(COUNTS + CODES + CASES, (int(v or 0) for v in row[3:]), strict=True))
        open_later = not_yet.get((day, hall, key, "open"), 0)
        unrated_later = not_yet.get((day, hall, key, "unrated"), 0)
        waited = n["unrated_settled"] - unrated_later if rules.default_basic else 0
        target = cell(day, hall, key)
        _add(target, n, n["late"] + n["open_dated"] - open_later, waited)
        if rolled:  # due: closed, or open past the deadline (`grouped.count_cases`)
            not_due = not_yet.get((day, hall, key, "case"), 0)
            target.tally.cases_due += n["cases_closed"] + n["cases_open"] - not_due
            target.tally.cases_on_time += n["cases_on_time"]
    for g in cases:
        grouped.count_cases(cell(g[0], g[1], g[2]).tally, as_day(g[3]), as_day(g[4]), g[5],
                            rules, now)  # fmt: skip
    return found


def _add(c: Cell, n: dict[str, int], overdue: int, waited: int) -> None:
    """One day's counts of a hall and item (or window) into its period's cell."""
    c.received += n["received"]
    c.settled += n["settled"]
    c.on_time += n["on_time"]
    c.overdue += overdue
    c.days_total += n["days_total"]
    c.days_count += n["days_count"]
    c.tally.received += n["received"]
    c.tally.rated += n["rated"] + waited
    for i, name in enumerate(CODES):
        c.tally.by_code[i] += n[name]
    c.tally.by_code[Satisfaction.BASIC - 1] += waited
