"""`portal.dollar_sql`: a statement psycopg would re-parse on every execution (over 4 KB, over
50 parameters) runs with `$n` placeholders and the same values SQLAlchemy would send."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import (
    Integer,
    String,
    bindparam,
    column,
    create_engine,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy import table as light_table
from sqlalchemy.engine import Engine

from portal.db import Database
from portal.dollar_sql import DollarStatement
from portal.errors import Busy
from sync.statuses import Status

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_server: str) -> Iterator[Engine]:
    eng = create_engine(pg_server)
    yield eng
    eng.dispose()


def test_a_long_statement_with_repeated_and_many_parameters(engine: Engine) -> None:
    t = light_table("dollar_t", column("k"), column("n"), column("s"))
    sign = bindparam("sign", type_=Integer)
    parts = [
        select(literal(f"key-{i}", String).label("k"), (literal(i) * sign).label("n"),
               literal(Status.APPROVED, String).label("s"))
        for i in range(30)
    ]  # fmt: skip
    stmt = insert(t).from_select(["k", "n", "s"], parts[0].union_all(*parts[1:]))
    statement = DollarStatement(stmt)
    assert len(statement.order) > 50  # psycopg would parse it again on every execution
    assert "%(" not in statement.text and "$1" in statement.text
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE dollar_t (k text, n int, s text)"))
        statement.run(conn, {"sign": -1})
        statement.run(conn, {"sign": 2})
        rows = conn.execute(text("SELECT k, sum(n), min(s) FROM dollar_t GROUP BY k")).all()
    assert len(rows) == 30
    assert {k: n for k, n, _ in rows} == {f"key-{i}": i for i in range(30)}  # -i then +2i
    assert {s for _, _, s in rows} == {"approved"}


def test_it_runs_inside_the_callers_transaction(engine: Engine) -> None:
    t = light_table("dollar_u", column("n"))
    statement = DollarStatement(insert(t).values(n=bindparam("n", type_=Integer)))
    with engine.connect() as conn:
        conn.execute(text("CREATE TEMP TABLE dollar_u (n int)"))
        conn.commit()
        statement.run(conn, {"n": 7})
        conn.rollback()  # the row goes with the transaction it was written in
        assert conn.execute(text("SELECT count(*) FROM dollar_u")).scalar_one() == 0


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_database_error_is_sqlalchemys_so_the_platform_translates_it(db_url: str) -> None:
    """A unique key another app server took first must reach `Database.begin` as
    SQLAlchemy's IntegrityError (Busy: the terminal retries), not as psycopg's own error
    (a 500); so must a deadlock between two pushes (OperationalError, Busy too)."""
    db = Database(db_url)
    try:
        with db.begin() as conn:
            conn.execute(text("CREATE TABLE dollar_k (k text PRIMARY KEY)"))
        t = light_table("dollar_k", column("k"))
        statement = DollarStatement(insert(t).values(k=bindparam("k", type_=String)))
        with db.begin() as conn:
            statement.run(conn, {"k": "a"})
        with pytest.raises(Busy), db.begin() as conn:
            statement.run(conn, {"k": "a"})
        with db.begin() as conn:  # the pool's connection is fine afterwards
            statement.run(conn, {"k": "b"})
            assert conn.execute(text("SELECT count(*) FROM dollar_k")).scalar_one() == 2
    finally:
        db.dispose()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_connection_cut_under_it_is_not_handed_out_again(db_url: str) -> None:
    """PostgreSQL restarted (here: this connection's backend terminated) between two
    statements: the push fails as Busy, and the next one gets a working connection."""
    db = Database(db_url)
    try:
        t = light_table("dollar_c", column("n"))
        statement = DollarStatement(insert(t).values(n=bindparam("n", type_=Integer)))
        with db.begin() as conn:
            conn.execute(text("CREATE TABLE dollar_c (n int)"))
        with pytest.raises(Busy), db.begin() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with db.autocommit() as other:
                other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            statement.run(conn, {"n": 1})
        with db.begin() as conn:
            statement.run(conn, {"n": 2})
            assert conn.execute(text("SELECT n FROM dollar_c")).scalars().all() == [2]
    finally:
        db.dispose()
