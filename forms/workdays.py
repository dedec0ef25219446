"""Working days in mainland China: the unit of every legal and promised time limit.

The calendar is the bundled `holidays.yaml` (State Council notices: days off, and the
weekend days worked instead); years it does not list count Monday-Friday. Day 0 is the day an
application is accepted; the count starts on the next working day, so "3 working days" from a
Friday ends on the Wednesday after (without holidays).

The calendar can be updated without a release: the platform publishes a year's entry in the
catalog feed (`portal publish-calendar`), the terminal stores it and calls `install_years`;
an installed year replaces the bundled entry for that year (e.g. a provisional 2027 becomes
official).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from forms.errors import FormsError
from forms.text import Text

HOLIDAYS_FILE = Path(__file__).with_name("holidays.yaml")


@dataclass(frozen=True)
class Calendar:
    """Days off on weekdays and days worked on weekends, sorted for bisect."""

    off_weekdays: tuple[date, ...]
    worked_weekends: tuple[date, ...]
    years: frozenset[int]
    provisional: frozenset[int]


class CalendarDataError(FormsError):
    """A calendar year sent by the platform (or written by hand) is malformed."""


def _days(entry: str) -> list[date]:
    first, _, last = str(entry).partition("/")
    start, end = date.fromisoformat(first), date.fromisoformat(last or first)
    if end < start or (end - start).days > 366:
        raise ValueError(entry)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


_installed: dict[int, dict[str, Any]] = {}


def check_year(year: Any, entry: Any) -> dict[str, Any]:
    """One year's entry (`holidays`, `workdays`, optional `provisional`, `source`) checked;
    CalendarDataError names what is wrong. Every date must lie in that year."""
    try:
        y = int(year)
        holidays = [d for e in entry["holidays"] for d in _days(str(e))]
        workdays = [d for e in entry["workdays"] for d in _days(str(e))]
        provisional = entry.get("provisional", False)
        if not isinstance(provisional, bool) or any(d.year != y for d in holidays + workdays):
            raise ValueError(year)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise CalendarDataError(
            Text(
                f"{year} 年的节假日安排格式有误。", f"The holiday calendar for {year} is malformed."
            )
        ) from None
    return {
        "holidays": [str(e) for e in entry["holidays"]],
        "workdays": [str(e) for e in entry["workdays"]],
        "provisional": provisional,
        "source": str(entry.get("source", "")),
    }


def install_years(years: Mapping[Any, Any]) -> None:
    """Use these years' entries (as published by the platform) instead of the bundled ones.
    Every entry is checked first; nothing is installed when one is malformed."""
    checked = {int(y): check_year(y, e) for y, e in years.items()}
    _installed.update(checked)
    calendar.cache_clear()


def reset_installed() -> None:
    """Back to the bundled calendar alone (tests; a terminal opening another data folder)."""
    _installed.clear()
    calendar.cache_clear()


@cache
def calendar() -> Calendar:
    """The bundled calendar with installed years over it (read once per change)."""
    data = {int(y): v for y, v in yaml.safe_load(HOLIDAYS_FILE.read_text(encoding="utf-8")).items()}
    data.update(_installed)
    off: set[date] = set()
    worked: set[date] = set()
    for year in data.values():
        off.update(d for entry in year["holidays"] for d in _days(str(entry)))
        worked.update(d for entry in year["workdays"] for d in _days(str(entry)))
    return Calendar(
        off_weekdays=tuple(sorted(d for d in off if d.weekday() < 5)),
        worked_weekends=tuple(sorted(d for d in worked if d.weekday() >= 5)),
        years=frozenset(data),
        provisional=frozenset(y for y, v in data.items() if v.get("provisional")),
    )


def is_working_day(day: date) -> bool:
    cal = calendar()
    if day.weekday() >= 5:
        return _contains(cal.worked_weekends, day)
    return not _contains(cal.off_weekdays, day)


def _contains(days: tuple[date, ...], day: date) -> bool:
    i = bisect_left(days, day)
    return i < len(days) and days[i] == day


def add_working_days(start: date, n: int) -> date:
    """The day on which `n` working days after `start` are complete (`start` itself for 0)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n > 0:
        day += timedelta(days=1)
        n -= is_working_day(day)
    return day


def _weekdays_upto(day: date) -> int:
    """Monday-Friday days from an epoch Monday up to and including `day`."""
    weeks, rest = divmod((day - date(1, 1, 1)).days + 1, 7)
    return weeks * 5 + min(rest, 5)


def _in_range(days: tuple[date, ...], a: date, b: date) -> int:
    """How many of `days` fall in (a, b]."""
    return bisect_right(days, b) - bisect_right(days, a)


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b` (negative when b is before a), so that
    `working_days_between(s, add_working_days(s, n)) == n`."""
    if b < a:
        return -working_days_between(b, a)
    cal = calendar()
    plain = _weekdays_upto(b) - _weekdays_upto(a)
    return plain - _in_range(cal.off_weekdays, a, b) + _in_range(cal.worked_weekends, a, b)


def is_official(year: int) -> bool:
    """True when `year`'s calendar comes from a published notice, not weekends or a
    provisional entry, so callers can warn that a due date may still move."""
    cal = calendar()
    return year in cal.years and year not in cal.provisional


def unofficial_years(start: date, end: date) -> tuple[int, ...]:
    """Years from `start` to `end` whose calendar is not published yet: a deadline counted
    across them may still move, so it is flagged rather than presented as certain."""
    return tuple(y for y in range(start.year, end.year + 1) if not is_official(y))
