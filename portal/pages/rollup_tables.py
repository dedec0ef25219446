"""The tables of open data's rollup (`portal.pages.rollup` keeps them, migrations 90-92
make them) and the working-day calendar they are counted with: what the rollup is, apart
from how it is counted."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, func, literal_column

from forms.workdays import calendar, is_working_day

#: The days the calendar table covers: far wider than any application's dates.
FIRST, LAST = date(2000, 1, 1), date(2100, 12, 31)
KEY = ("whole", "day", "hall", "item", "window")
COUNTS = (
    "received", "settled", "on_time", "late", "days_total", "days_count", "rated",
    "unrated_settled", "open_dated",
)  # fmt: skip
CODES = tuple(f"code_{i}" for i in range(1, 6))
CASES = ("cases_closed", "cases_on_time", "cases_open")
#: `whole` of a `stats_cells` row: per window or all windows, per day or per month (then
#: `day` is "YYYY-MM"): a year by month reads a dozen rows per hall and item, not 365.
PER_WINDOW, WHOLE, MONTH_PER_WINDOW, MONTH = 0, 1, 2, 3
LEVELS = (WHOLE, PER_WINDOW, MONTH, MONTH_PER_WINDOW)
#: The month level summing each day level.
MONTH_LEVEL = {PER_WINDOW: MONTH_PER_WINDOW, WHOLE: MONTH}


def month_of(day: Any) -> Any:
    """A rollup day's month in SQL ("2026-11" of "2026-11-30"): the `day` of a month row.
    The bounds are inline, so a SELECT and its GROUP BY render the same text."""
    return func.substr(day, literal_column("1"), literal_column("7"))


md = MetaData()
workdays = Table(
    "stats_workdays", md,
    Column("day", String(10), primary_key=True),
    Column("ord", Integer, nullable=False),
    Column("working", Integer, nullable=False),
    Index("ix_stats_workdays_ord", "working", "ord"),
)  # fmt: skip
cells = Table(
    "stats_cells", md,
    Column("whole", Integer, primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("hall", String(200), primary_key=True),
    Column("item", String(100), primary_key=True),
    Column("window", String(50), primary_key=True),
    *(Column(name, Integer, nullable=False, server_default="0")
      for name in COUNTS + CODES + CASES),
)  # fmt: skip
pending = Table(
    "stats_pending", md,
    *(Column(name, cells.c[name].type, primary_key=True) for name in KEY),
    Column("kind", String(8), primary_key=True),
    Column("on", String(10), primary_key=True),
    Column("n", Integer, nullable=False),
    Index("ix_stats_pending_on", "kind", "on", "whole"),
)  # fmt: skip
meta = Table("stats_meta", md, Column("name", String(40), primary_key=True),
             Column("value", String(200), nullable=False))  # fmt: skip


def fingerprint() -> str:
    """The calendar in use, as a hash: a different one means different working days."""
    cal = calendar()
    return hashlib.sha256(repr((cal.off_weekdays, cal.worked_weekends)).encode()).hexdigest()


def calendar_rows() -> Iterator[dict[str, Any]]:
    """Every day of FIRST..LAST with its working-day ordinal (`stats_workdays`)."""
    day, ordinal = FIRST, 0
    while day <= LAST:
        working = is_working_day(day)
        ordinal += working
        yield {"day": day.isoformat(), "ord": ordinal, "working": int(working)}
        day += timedelta(days=1)
