"""Working days: State Council holidays, weekend days worked, and the day-0 rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.workdays import add_working_days, is_official, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2026, 3, 6), 0, date(2026, 3, 6)),  # day 0 is the day of acceptance
        (date(2026, 3, 6), 3, date(2026, 3, 11)),  # Friday + 3 = Wednesday
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # National Day and Mid-Autumn: 1-8 Oct off
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Sunday 28 Sep 2025 was worked
        (date(2025, 1, 24), 2, date(2025, 1, 27)),  # Sunday 26 Jan 2025 worked, then Monday
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Saturday 14 Feb 2026 worked
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # Spring Festival 15-23 Feb 2026
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # National Day 2026: 1-7 Oct
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # Saturday 10 Oct 2026 worked
        (date(2027, 2, 4), 1, date(2027, 2, 11)),  # 2027 Spring Festival (provisional)
        (date(2030, 5, 31), 1, date(2030, 6, 3)),  # an uncovered year: weekends only
    ],
)
def test_add_working_days(start: date, n: int, due: date) -> None:
    assert add_working_days(start, n) == due


def test_holidays_and_worked_weekends() -> None:
    assert not is_working_day(date(2025, 1, 1))
    assert not is_working_day(date(2026, 6, 19))  # Dragon Boat, a Friday
    assert is_working_day(date(2026, 1, 4))  # a Sunday worked
    assert not is_working_day(date(2026, 1, 11))  # an ordinary Sunday
    assert is_working_day(date(2026, 1, 12))


def test_working_days_in_a_year() -> None:
    # 261 weekdays - 18 weekday holidays + 5 weekend days worked
    assert working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 248
    # 261 weekdays - 19 weekday holidays + 6 weekend days worked
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


def test_between_is_signed_and_zero_on_the_same_day() -> None:
    a, b = date(2026, 9, 30), date(2026, 10, 12)
    assert working_days_between(a, b) == 4  # 8 Oct, 9 Oct, Saturday 10 Oct (worked), 12 Oct
    assert working_days_between(a, b) == -working_days_between(b, a)
    assert working_days_between(a, a) == 0


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


def test_official_years() -> None:
    assert is_official(2025) and is_official(2026)
    assert not is_official(2027)  # provisional until the State Council notice
    assert not is_official(2031)


@given(st.dates(date(2024, 6, 1), date(2028, 6, 1)), st.integers(0, 60))
def test_between_inverts_add(start: date, n: int) -> None:
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    assert n == 0 or is_working_day(due)


@given(st.dates(date(2024, 6, 1), date(2028, 6, 1)), st.integers(0, 40))
def test_between_matches_counting_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    counted = sum(is_working_day(start + timedelta(days=i)) for i in range(1, span + 1))
    assert working_days_between(start, end) == counted
