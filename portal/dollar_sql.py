"""Long statements compiled once to PostgreSQL's own `$n` placeholders and run on psycopg's
`RawCursor`, which sends the text as it is.

Why: SQLAlchemy's psycopg dialect writes `%(name)s` placeholders, and psycopg turns them into
`$n` on every execution. It keeps the result only for statements under 4 KB with at most 50
parameters; the rollup's statements (`portal.pages.rollup`) are 4-7 KB with up to 56, so each
push re-parsed them: a quarter of the app server's CPU for a push of one application.
"""

from __future__ import annotations

from collections.abc import Mapping
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
        """Execute on `conn`'s psycopg connection, inside its transaction (begun here if
        none is, as SQLAlchemy's own `execute` would: else a rollback would not undo it)."""
        if not conn.in_transaction():
            conn.begin()
        raw = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
        values = self.values(params)
        try:
            with psycopg.RawCursor(raw) as cursor:
                cursor.execute(self.text, values)
        except psycopg.Error as exc:  # as SQLAlchemy's own: a deadlock is Busy, not a 500
            # (a connection cut under it is dropped by SQLAlchemy when the rollback fails)
            raise DBAPIError.instance(self.text, values, exc, psycopg.Error) from exc
