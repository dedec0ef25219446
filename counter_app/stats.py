"""The hall's own numbers for a day or a period, the Guiyang metrics: received, accepted,
notices issued, settled, overdue, settled before the promised date, satisfaction.

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
    ratings: int = 0
    rating_sum: int = 0

    @property
    def satisfaction(self) -> float | None:
        """Mean rating 1-5, None when nobody rated."""
        return self.rating_sum / self.ratings if self.ratings else None

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
    "rating_sum",
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
  COUNT(rating) AS ratings, COALESCE(SUM(rating), 0) AS rating_sum
FROM submissions
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
