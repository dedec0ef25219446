"""The lookup rate limit, counted in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.db import Database
from portal.pages.ratelimit import Limit, hit

LIMIT = Limit(hits=3, window=60)


def test_the_fourth_lookup_in_a_window_waits_for_the_window_to_end(db: Database) -> None:
    answers = [hit(db, "10.0.0.1", LIMIT, now=1000.0) for _ in range(4)]
    assert answers[:3] == [None, None, None]
    assert answers[3] == 20  # the window 960-1020 ends in 20 s


def test_addresses_and_windows_are_counted_apart(db: Database) -> None:
    for _ in range(3):
        hit(db, "10.0.0.1", LIMIT, now=1000.0)
    assert hit(db, "10.0.0.2", LIMIT, now=1000.0) is None
    assert hit(db, "10.0.0.1", LIMIT, now=1020.0) is None  # a new window


def test_two_app_servers_share_the_count(db: Database, db_url: str) -> None:
    other = Database(db_url)  # a second app server on the same database
    try:
        assert hit(db, "10.0.0.9", LIMIT, now=5.0) is None
        assert hit(other, "10.0.0.9", LIMIT, now=5.0) is None
        assert hit(db, "10.0.0.9", LIMIT, now=5.0) is None
        assert hit(other, "10.0.0.9", LIMIT, now=5.0) is not None
    finally:
        other.dispose()


def test_old_windows_are_dropped(db: Database) -> None:
    for t in (0.0, 60.0, 120.0, 180.0, 240.0):
        hit(db, "10.0.0.1", LIMIT, now=t)
    table = db.t("rate_hits")
    with db.begin() as conn:
        left = conn.execute(select(func.count()).select_from(table)).scalar_one()
    assert left == 2
