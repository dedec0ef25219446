"""`portal.dollar_sql`: a statement psycopg would re-parse on every execution (over 4 KB, over
50 parameters) runs with `$n` placeholders and the same values SQLAlchemy would send."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import (
    Integer,
    String,
    any_,
    bindparam,
    column,
    create_engine,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy import table as light_table
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine

from portal.db import Database
from portal.dollar_sql import DollarStatement, run_generic
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


def _plans(conn: Connection, sql: str) -> tuple[int, int]:
    """(generic, custom) plans PostgreSQL made for the prepared `sql` on this session."""
    row = conn.execute(
        text("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
             "WHERE statement = :s"), {"s": sql},
    ).one()  # fmt: skip
    return int(row[0]), int(row[1])


def test_run_generic_plans_once_and_gives_the_setting_back(engine: Engine) -> None:
    """psycopg prepares a statement at its sixth execution; PostgreSQL would still plan it
    afresh for each set of values (its first five, at least, and these forever: that was
    3.8 ms of its CPU per push). Under `run_generic` it plans it once; the statements after
    it in the transaction plan as the session says."""
    t = light_table("dollar_g", column("k"), column("n"), column("m"))
    keys = bindparam("keys", type_=postgresql.ARRAY(String))
    plain = DollarStatement(update(t).where(t.c.k == any_(keys)).values(m=t.c.m + 1))
    generic = DollarStatement(update(t).where(t.c.k == any_(keys)).values(n=t.c.n + 2))
    with engine.connect() as conn:
        conn.execute(text("CREATE TEMP TABLE dollar_g (k text PRIMARY KEY, n int, m int)"))
        conn.execute(
            text("INSERT INTO dollar_g SELECT g::text, 0, 0 FROM generate_series(1, 99) g")
        )
        for i in range(8):
            run_generic(conn, [generic], {"keys": [str(i + 1)]})
            plain.run(conn, {"keys": [str(i + 1)]})
            assert conn.execute(text("SHOW plan_cache_mode")).scalar_one() == "auto"
        assert _plans(conn, generic.text)[1] == 0  # never planned for the values
        assert _plans(conn, generic.text)[0] >= 1
        assert _plans(conn, plain.text)[1] >= 1  # the default: planned for each
        got = conn.execute(text("SELECT sum(n + m) FROM dollar_g")).scalar_one()
        assert got == 8 * 3  # every execution did its work


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_an_error_under_run_generic_is_busy_and_the_connection_goes_on(db_url: str) -> None:
    """A unique key another server took first, met by a statement in the middle of
    `run_generic`, reaches `Database.begin` as Busy, nothing of the transaction stays
    written, and the pooled connection serves the next push with the session's setting."""
    db = Database(db_url)
    try:
        with db.begin() as conn:
            conn.execute(text("CREATE TABLE dollar_p (k text PRIMARY KEY)"))
        t = light_table("dollar_p", column("k"))
        first, second = (
            DollarStatement(insert(t).values(k=bindparam(name, type_=String)))
            for name in ("a", "b")
        )
        with db.begin() as conn:
            run_generic(conn, [first], {"a": "taken"})
        with pytest.raises(Busy), db.begin() as conn:
            run_generic(conn, [first, second, first], {"a": "new", "b": "taken"})
        for i in range(3):  # every pooled connection, whichever the pool hands out
            with db.begin() as conn:
                run_generic(conn, [first], {"a": f"k{i}"})
        with db.begin() as conn:
            keys = conn.execute(text("SELECT k FROM dollar_p ORDER BY k")).scalars().all()
        assert keys == ["k0", "k1", "k2", "taken"]  # "new" went with its transaction
    finally:
        db.dispose()
