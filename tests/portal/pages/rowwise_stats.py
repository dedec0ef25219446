"""The open-data and 好差评 figures as they were counted before issue 17: every application
read into Python and counted one by one. Kept here (tests only) as the oracle the grouped
SQL counting (`portal.pages.grouped`) must match byte for byte on the same data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Any

from sqlalchemy import select

from forms.text import Text
from portal.db import Database
from portal.pages.cases import RatingRules, due_on
from portal.pages.deadlines import (
    is_overdue,
    item_limits,
    local_day,
    promised_date,
    today,
    working_days_taken,
)
from portal.pages.office_data import settled_times
from portal.pages.opendata import Row, StatsQuery, _where
from portal.pages.rating_figures import GROUPS as GROUPS_OF_FIGURES
from portal.pages.tracking import item_name
from sync.opendata_columns import COLUMNS
from sync.ratings import RATE_WITHIN_DAYS, RatingTally, Satisfaction
from sync.statuses import SETTLED


@dataclass
class _Cell:
    received: int = 0
    settled: int = 0
    on_time: int = 0
    overdue: int = 0
    days: list[int] = field(default_factory=list)
    tally: RatingTally = field(default_factory=RatingTally)


@dataclass
class Found:
    rows: list[Any]
    limits: dict[str, int]
    names: dict[str, Text]
    codes: dict[str, list[int]]  # application uuid -> its ratings' codes
    cases: dict[str, list[Any]]  # application uuid -> its bad-rating cases


def gather(db: Database, q: StatsQuery) -> Found:
    apps, ratings, cases = db.t("applications"), db.t("ratings"), db.t("bad_cases")
    done = settled_times(db)
    where = _where(db, q)
    cols = [apps.c[n] for n in ("uuid", "hall", "window", "clerk_id", "service_code")]
    query = (
        select(*cols, apps.c.accepted_at, apps.c.due_date, apps.c.status, done.c.settled_at)
        .outerjoin(done, done.c.uuid == apps.c.uuid)
        .where(*where)
    )
    in_range = select(apps.c.uuid).where(*where)
    with db.begin() as conn:
        rows = list(conn.execute(query).all())
        names = {c: item_name(conn, db, c) for c in {str(r.service_code) for r in rows}}
        codes: dict[str, list[int]] = defaultdict(list)
        pairs = select(ratings.c.app_uuid, ratings.c.code).where(ratings.c.app_uuid.in_(in_range))
        for uuid, code in conn.execute(pairs):
            codes[uuid].append(int(code))
        found: dict[str, list[Any]] = defaultdict(list)
        for case in conn.execute(select(cases).where(cases.c.app_uuid.in_(in_range))):
            found[case.app_uuid].append(case)
        return Found(rows, item_limits(conn, db), names, codes, found)


def rated_codes(row: Any, codes: list[int], rules: RatingRules, now: date) -> list[int]:
    """The codes an application counts with: its own, or (where the platform is set so)
    one 基本满意 when it went unrated for RATE_WITHIN_DAYS days after settlement."""
    if codes or not rules.default_basic or row.settled_at is None:
        return codes
    waited = (now - local_day(row.settled_at)).days > RATE_WITHIN_DAYS
    return [int(Satisfaction.BASIC)] if waited else []


def count_ratings(
    tally: RatingTally, codes: list[int], cases: list[Any], rules: RatingRules, now: date
) -> None:
    """One application's ratings and its bad-rating cases into `tally`."""
    tally.add(codes)
    for case in cases:
        closed = local_day(case.replied_at) if case.replied_at else None
        due = due_on(case.opened_at, rules.rectify_days)
        tally.add_case(closed is not None or now > due, closed is not None and closed <= due)


def _count(cell: _Cell, row: Any, limit: int | None, now: date) -> None:
    promised = promised_date(row.accepted_at, row.due_date, limit)
    settled_on = local_day(row.settled_at) if row.settled_at else None
    cell.received += 1
    if row.status in SETTLED and settled_on is not None:
        cell.settled += 1
        cell.on_time += promised is None or settled_on <= promised
        cell.days.append(working_days_taken(row.accepted_at, settled_on))
    cell.overdue += is_overdue(row.status, promised, settled_on, now)


def stats(
    db: Database, q: StatsQuery, now: date | None = None, rules: RatingRules | None = None
) -> list[Row]:
    """One row per period, hall and item with any applications, in that order."""
    now, rules = now or today(), rules or RatingRules()
    found = gather(db, q)
    cells: dict[tuple[str, str, str], _Cell] = defaultdict(_Cell)
    for row in found.rows:
        day = local_day(row.accepted_at)
        third = row.window if q.by == "window" else row.service_code
        key = (day.isoformat()[: 7 if q.period == "month" else 10], row.hall, third)
        _count(cells[key], row, found.limits.get(row.service_code), now)
        codes = rated_codes(row, found.codes.get(row.uuid, []), rules, now)
        count_ratings(cells[key].tally, codes, found.cases.get(row.uuid, []), rules, now)
    if q.by == "window":
        return [_out(key, cell, "", by_window=True) for key, cell in sorted(cells.items())]
    names = found.names
    return [_out(key, cell, names[key[2]].get(q.lang)) for key, cell in sorted(cells.items())]


def figures(
    db: Database, start: date, end: date, rules: RatingRules, now: date
) -> dict[str, list[tuple[str, RatingTally]]]:
    """The back office's 好差评 figures, counted row by row (the old `rating_figures`)."""
    found = gather(db, StatsQuery(start, end))
    tallies: dict[str, dict[str, RatingTally]] = {
        g: defaultdict(RatingTally) for g in GROUPS_OF_FIGURES
    }
    for row in found.rows:
        codes = rated_codes(row, found.codes.get(row.uuid, []), rules, now)
        keys = {
            "hall": row.hall,
            "window": f"{row.hall} / {row.window}",
            "item": row.service_code,
            "clerk": f"{row.hall} / {row.clerk_id}",
        }
        for group, key in keys.items():
            count_ratings(tallies[group][key], codes, found.cases.get(row.uuid, []), rules, now)
    return {g: sorted(t.items()) for g, t in tallies.items()}


def _out(key: tuple[str, str, str], c: _Cell, name: str, by_window: bool = False) -> Row:
    values = {
        "date": key[0],
        "hall": key[1],
        "window": key[2] if by_window else "",
        "item_code": "" if by_window else key[2],
        "item_name": name,
        "received": c.received,
        "settled": c.settled,
        "settled_on_time": c.on_time,
        "overdue": c.overdue,
        "avg_working_days": round(mean(c.days), 1) if c.days else None,
    } | c.tally.columns()
    return {col: values[col] for col in COLUMNS}
