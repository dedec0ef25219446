"""Long statements compiled once to PostgreSQL's own `$n` placeholders and run on psycopg's
`RawCursor`, which sends the text as it is.

Why: SQLAlchemy's psycopg dialect writes `%(name)s` placeholders, and psycopg turns them into
`$n` on every execution. It keeps the result only for statements under 4 KB with at most 50
parameters; the rollup's statements (`portal.pages.rollup`) are 4-7 KB with up to 56, so each
push re-parsed them: a quarter of the app server's CPU for a push of one application.

`run_generic` runs them with one plan per connection: psycopg prepares a statement after its
fifth execution, but PostgreSQL kept planning these afresh for each push (a custom plan for
each set of values, its default when it judges a generic plan costlier), and planning them
took 3.8 ms of its CPU per push, eight times their execution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import psycopg
from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

_DIALECT = PGDialect_psycopg(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]


class DollarStatement:
    """`statement` for PostgreSQL with `$n` placeholders, compiled once."""

    def __init__(self, statement: Executable) -> None:
        self.compiled = statement.compile(dialect=_DIALECT)  # type: ignore[attr-defined]
        self.text: str = self.compiled.string
        self.order: tuple[str, ...] = tuple(self.compiled.positiontup or ())

    def values(self, params: Mapping[str, Any]) -> list[Any]:
        """The parameters in `$n` order: `params` over the statement's own literals."""
        merged = self.compiled.construct_params(params)
        return [merged[name] for name in self.order]

    def run(self, conn: Connection, params: Mapping[str, Any]) -> None:
        """Execute on `conn`'s psycopg connection, inside its transaction."""
        _execute(conn, self.text, self.values(params))


def run_generic(conn: Connection, statements: Sequence[DollarStatement],
                params: Mapping[str, Any]) -> None:  # fmt: skip
    """Run `statements` in order with PostgreSQL's generic plans (`plan_cache_mode`), then
    give the rest of the transaction back the session's own setting. Only for statements
    whose best plan does not depend on the values (the rollup's: keys by primary key).
    (Sending them in one psycopg pipeline made no difference to a push: measured.)"""
    _execute(conn, "SET LOCAL plan_cache_mode = force_generic_plan", [])
    for statement in statements:
        statement.run(conn, params)
    _execute(conn, "SET LOCAL plan_cache_mode TO DEFAULT", [])


def _execute(conn: Connection, sql: str, values: list[Any]) -> None:
    """`sql` on `conn`'s psycopg connection, inside its transaction (begun here if none is,
    as SQLAlchemy's own `execute` would: else a rollback would not undo it)."""
    if not conn.in_transaction():
        conn.begin()
    raw = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
    try:
        with psycopg.RawCursor(raw) as cursor:
            cursor.execute(sql, values)
    except psycopg.Error as exc:  # as SQLAlchemy's own: a deadlock is Busy, not a 500
        # (a connection cut under it is dropped by SQLAlchemy when the rollback fails)
        raise DBAPIError.instance(sql, values, exc, psycopg.Error) from exc
