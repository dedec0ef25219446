"""Promised dates and the overdue rule: working days from the hall-local acceptance date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from portal.db import Database
from portal.errors import Invalid
from portal.pages.deadlines import (
    is_overdue,
    item_limits,
    local_day,
    promised_date,
    set_item_limit,
    working_days_taken,
)

FRIDAY_EVENING_UTC = "2026-11-27T17:30:00.000000+00:00"  # Saturday 01:30 in the hall


def test_the_hall_date_is_local_not_utc() -> None:
    assert local_day(FRIDAY_EVENING_UTC) == date(2026, 11, 28)


def test_a_configured_limit_counts_working_days_from_the_local_date() -> None:
    # Saturday 28 Nov: 3 working days later is Wednesday 2 Dec.
    assert promised_date(FRIDAY_EVENING_UTC, "2026-12-31", 3) == date(2026, 12, 2)


def test_without_a_limit_the_receipts_promised_date_counts() -> None:
    assert promised_date(FRIDAY_EVENING_UTC, "2026-12-04", None) == date(2026, 12, 4)
    assert promised_date(FRIDAY_EVENING_UTC, None, None) is None


@pytest.mark.parametrize(
    ("status", "settled_on", "today", "late"),
    [
        ("received", None, date(2026, 12, 4), False),
        ("under_review", None, date(2026, 12, 5), True),
        ("approved", date(2026, 12, 4), date(2027, 1, 1), False),
        ("delivered", date(2026, 12, 7), date(2027, 1, 1), True),
        ("voided", None, date(2027, 1, 1), False),
    ],
)
def test_overdue(status: str, settled_on: date | None, today: date, late: bool) -> None:
    assert is_overdue(status, date(2026, 12, 4), settled_on, today) is late


def test_working_days_taken_skip_the_weekend() -> None:
    assert working_days_taken(FRIDAY_EVENING_UTC, date(2026, 11, 30)) == 1


def test_limits_are_set_cleared_and_checked(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    set_item_limit(db, "PAGE-001", 3, "li")
    set_item_limit(db, "PAGE-001", 4, "li")
    set_item_limit(db, "GJJ-001", 2, "li")
    set_item_limit(db, "GJJ-001", None, "li")
    with db.begin() as conn:
        assert item_limits(conn, db) == {"PAGE-001": 4}
    for bad in (0, 366):
        with pytest.raises(Invalid):
            set_item_limit(db, "PAGE-001", bad, "li")
