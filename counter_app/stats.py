"""The hall's own numbers for a day or a period, the Guiyang metrics: received, accepted,
notices issued, settled, overdue, settled before the promised date, and 好差评: ratings,
satisfaction rate (codes 1-3 of `sync.ratings`), rating rate, bad ratings.

Counting is by the day an application was taken (a cohort): "of what we took on the 3rd,
how much is settled, on time, overdue". Voided applications count nowhere. Overdue means
still open after its due date, or settled after it. One GROUP BY over the indexed
`accepted_day` column does the work in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from counter_app.store.db import Store
from sync.ratings import RatingTally
from sync.statuses import OPEN, SETTLED


@dataclass(frozen=True, slots=True)
class DayStats:
    day: date | None  # None for the period's totals
    received: int = 0
    accepted: int = 0
    notices: int = 0
    settled: int = 0
    settled_on_time: int = 0
    overdue: int = 0
    ratings: int = 0  # 好差评 ratings given (一次一评: several per application)
    satisfied: int = 0  # of those, 非常满意/满意/基本满意 (codes 1-3)
    bad: int = 0  # of those, 不满意/非常不满意 (codes 4-5)
    rated: int = 0  # applications with at least one rating

    @property
    def satisfaction(self) -> float | None:
        """Satisfaction rate: share of ratings with code 1-3; None when nobody rated."""
        return self.satisfied / self.ratings if self.ratings else None

    @property
    def rating_rate(self) -> float | None:
        """评价率: share of applications rated at least once."""
        return self.rated / self.received if self.received else None

    @property
    def on_time_share(self) -> float | None:
        """Share of settled applications settled by the promised date."""
        return self.settled_on_time / self.settled if self.settled else None


@dataclass(frozen=True, slots=True)
class PeriodStats:
    start: date
    end: date
    totals: DayStats
    days: tuple[DayStats, ...] = field(default=())


_COUNTERS = (
    "received",
    "accepted",
    "notices",
    "settled",
    "settled_on_time",
    "overdue",
    "ratings",
    "satisfied",
    "bad",
    "rated",
)


def _in(values: frozenset[str]) -> str:
    return "(" + ",".join(f"'{v}'" for v in sorted(values)) + ")"


_SQL = f"""
SELECT accepted_day AS day, COUNT(*) AS received,
  SUM(kind = 'acceptance') AS accepted, SUM(kind = 'notice') AS notices,
  SUM(status IN {_in(SETTLED)}) AS settled,
  SUM(status IN {_in(SETTLED)} AND date(settled_at, :shift) <= due_date) AS settled_on_time,
  SUM((status IN {_in(OPEN)} AND due_date < :today)
      OR (status IN {_in(SETTLED)} AND date(settled_at, :shift) > due_date)) AS overdue,
  COALESCE(SUM(r.n), 0) AS ratings, COALESCE(SUM(r.ok), 0) AS satisfied,
  COALESCE(SUM(r.bad), 0) AS bad, COUNT(r.n) AS rated
FROM submissions LEFT JOIN (
  SELECT submission_uuid, COUNT(*) AS n, SUM(code <= 3) AS ok, SUM(code >= 4) AS bad
  FROM ratings WHERE submission_uuid IN
    (SELECT uuid FROM submissions WHERE accepted_day BETWEEN :start AND :end)
  GROUP BY submission_uuid) AS r ON r.submission_uuid = submissions.uuid
WHERE accepted_day BETWEEN :start AND :end AND status != 'voided'
GROUP BY accepted_day ORDER BY accepted_day
"""


def period_stats(store: Store, start: date, end: date, today: date, tz: ZoneInfo) -> PeriodStats:
    """Numbers per day from `start` to `end` (inclusive, hall dates) and their totals."""
    if end < start:
        start, end = end, start
    offset = _offset(tz, today)
    rows = store.query(
        _SQL,
        {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "today": today.isoformat(),
            "shift": offset,
        },
    )
    found = {r["day"]: r for r in rows}
    days = tuple(_day(d, found.get(d.isoformat())) for d in _dates(start, end))
    totals = DayStats(None, **{k: sum(getattr(d, k) for d in days) for k in _COUNTERS})
    return PeriodStats(start, end, totals, days)


def _day(day: date, row: dict[str, int] | None) -> DayStats:
    if row is None:
        return DayStats(day)
    return DayStats(day, **{k: int(row[k] or 0) for k in _COUNTERS})


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _offset(tz: ZoneInfo, today: date) -> str:
    """SQLite modifier turning a UTC time into the hall's local time (fixed offset)."""
    delta = tz.utcoffset(datetime.combine(today, time(12)))
    minutes = int(delta.total_seconds() // 60) if delta else 0
    return f"{minutes:+d} minutes"


#: The groupings of the rating figures on the statistics page (the terminal is one window).
BREAKDOWNS = {"window": '"window"', "item": "service_code", "clerk": "clerk_id"}


def rating_breakdown(
    store: Store, start: date, end: date
) -> dict[str, list[tuple[str, RatingTally]]]:
    """好差评 figures of applications taken start..end (hall dates), per window, item and
    clerk, counted like open data (`sync.ratings.RatingTally`)."""
    rows = store.query(
        'SELECT "window", service_code, clerk_id, (SELECT group_concat(code) FROM ratings '
        "WHERE submission_uuid = submissions.uuid) AS codes FROM submissions "
        "WHERE accepted_day BETWEEN ? AND ? AND status != 'voided'",
        (min(start, end).isoformat(), max(start, end).isoformat()),
    )
    out: dict[str, dict[str, RatingTally]] = {g: {} for g in BREAKDOWNS}
    for row in rows:
        codes = [int(c) for c in (row["codes"] or "").split(",") if c]
        for group, column in BREAKDOWNS.items():
            key = str(row[column.strip('"')] or "-")
            out[group].setdefault(key, RatingTally()).add(codes)
    return {g: sorted(tallies.items()) for g, tallies in out.items()}
