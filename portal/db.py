"""The platform's database: one SQLAlchemy Core engine, SQLite (WAL) or PostgreSQL, the same
queries and migrations on both.

Why Core and not the ORM: every write here is a short, explicit transaction whose SQL we
want to see (idempotent inserts, conditional updates); there are no object graphs to map.
Tables are reflected after migrating, so `portal/migrations.py` is the one place that says
what the schema is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    any_,
    bindparam,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from forms.text import Text
from portal import migrations
from portal.errors import Busy, Invalid, StorageError
from portal.files import prepare_sqlite


def now_iso() -> str:
    """UTC now in one fixed ISO format, so stored times compare correctly as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cur.close()

    return on_connect


def _sqlite_begin(conn: Connection) -> None:
    # Take the write lock at BEGIN: a deferred transaction that later writes can fail with
    # "database is locked" instead of waiting its turn.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, busy_ms: int = 10_000) -> Engine:
    """An engine for `url` (sqlite:///path or postgresql+psycopg://...). A SQLite writer
    waits up to `busy_ms` for the lock, then the request gets 503 + Retry-After."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        args = {"timeout": busy_ms / 1000, "check_same_thread": False}
        engine = create_engine(url, connect_args=args)
        event.listen(engine, "connect", _sqlite_pragmas(busy_ms))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


class Database:
    """The engine plus the reflected tables; `begin()` is the only way to touch data."""

    def __init__(self, url: str, busy_ms: int = 10_000) -> None:
        with suppress(OSError):  # SQLite's own "unable to open" (Busy: retry) follows
            prepare_sqlite(url)  # a new SQLite file: 0600 in a 0700 folder, whatever the umask
        try:
            self.engine = make_engine(url, busy_ms)
            migrations.migrate(self.engine)
            meta = MetaData()
            meta.reflect(bind=self.engine)
        except SQLAlchemyError as exc:
            raise _translate(exc) from exc
        self.tables: dict[str, Table] = dict(meta.tables)
        self.is_postgres = self.engine.dialect.name == "postgresql"

    def t(self, name: str) -> Table:
        return self.tables[name]

    def insert(self, table: Table) -> Any:
        """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
        dialect = postgresql if self.is_postgres else sqlite
        return dialect.insert(table)

    def one_of(self, column: ColumnElement[Any], values: Iterable[str]) -> ColumnElement[bool]:
        """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one statement text
        whatever the count, so psycopg and the server parse and plan it once (a batch's
        100 keys as 100 placeholders were parsed afresh on every push)."""
        if not self.is_postgres:
            return column.in_(list(values))
        array = bindparam("keys", list(values), type_=postgresql.ARRAY(String), unique=True)
        return column == any_(array)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction; database failures leave as `Busy` (retry) or `StorageError`."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise _translate(exc) from exc

    def serialize_changes(self, conn: Connection) -> None:
        """Make writers of the changes feed commit in `seq` order (PostgreSQL hands out
        sequence numbers before commit, so a reader could otherwise skip a late commit).
        SQLite has one writer at a time already."""
        if self.is_postgres:
            conn.execute(text("SELECT pg_advisory_xact_lock(7002)"))

    def dispose(self) -> None:
        self.engine.dispose()


#: SQLite "operational" errors that pass: another writer, or the file not reachable now.
_TRANSIENT = ("locked", "busy", "unable to open")


def _translate(exc: SQLAlchemyError) -> Exception:
    """Lock waits, lost connections, no pooled connection free in time and a unique key
    another app server inserted first are Busy (503, the client retries and then gets
    `duplicate`); data the database cannot hold is Invalid (400); anything else is a
    StorageError (500)."""
    if isinstance(exc, OperationalError):
        sqlite = exc.orig is not None and type(exc.orig).__module__.startswith("sqlite3")
        if not sqlite or any(word in str(exc.orig).lower() for word in _TRANSIENT):
            return Busy(retry_after=2)
    if isinstance(exc, PoolTimeout):  # every pooled connection busy for 30 s: overloaded
        return Busy(retry_after=2)
    if isinstance(exc, IntegrityError):  # lost a race with another app server: retry
        return Busy(retry_after=1)
    if isinstance(exc, DataError):  # e.g. a NUL character PostgreSQL text cannot hold
        return Invalid(
            Text("请求中含有无法保存的数据。", "The request holds data that cannot be stored.")
        )
    detail = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc)
    return StorageError(Text(f"数据库错误：{detail}", f"Database error: {detail}"))
