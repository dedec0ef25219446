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

from portal.dollar_sql import DollarStatement
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
