"""`Database.first`, the tracking page's way to run a kept statement (on PostgreSQL on
psycopg's own cursor): its errors leave as the platform's errors, like `begin`'s, on both
engines."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, insert

from portal.db import Database
from portal.errors import Busy


def test_a_lost_race_is_busy_and_a_good_statement_answers(db: Database) -> None:
    table = db.t("rate_hits")
    add = insert(table).values(bucket=bindparam("b"), hits=1, window_start=0)
    add = add.returning(table.c.hits)
    with db.autocommit() as conn:
        assert db.first(conn, add, {"b": "track|0|10.0.0.1"}) == (1,)
    with pytest.raises(Busy), db.autocommit() as conn:  # the same key again: another
        db.first(conn, add, {"b": "track|0|10.0.0.1"})  # app server inserted it first
