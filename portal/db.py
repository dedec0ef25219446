"""The platform's database: one SQLAlchemy Core engine, SQLite (WAL) or PostgreSQL, the same
queries and migrations on both.

Why Core and not the ORM: every write here is a short, explicit transaction whose SQL we
want to see (idempotent inserts, conditional updates); there are no object graphs to map.
Tables are reflected after migrating, so `portal/migrations.py` is the one place that says
what the schema is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any, TypeVar

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
    func,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from forms.text import Text
from portal import migrations
from portal.errors import Busy, Invalid, StorageError
from portal.files import prepare_sqlite

T = TypeVar("T")
#: PostgreSQL connections a process keeps open (`Settings.db_pool` for the app servers).
POOL = 10
#: Seconds a pooled connection may sit unused before its checkout pings it first.
PING_AFTER_IDLE = 10.0


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


def make_engine(url: str, busy_ms: int = 10_000, pool: int = POOL) -> Engine:
    """An engine for `url` (sqlite:///path or postgresql+psycopg://...). A SQLite writer
    waits up to `busy_ms` for the lock, then the request gets 503 + Retry-After. On
    PostgreSQL `pool` connections stay open (plus half as many more under a burst): the
    default 5 made a lookup beyond the fifth at once open and close a connection of its own."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        args = {"timeout": busy_ms / 1000, "check_same_thread": False}
        engine = create_engine(url, connect_args=args)
        event.listen(engine, "connect", _sqlite_pragmas(busy_ms))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed, pool_size=pool, max_overflow=pool // 2)
    event.listen(engine, "checkin", _idle_since)
    event.listen(engine, "checkout", _ping_after_idle(engine))
    return engine


def _idle_since(_dbapi_conn: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_after_idle(engine: Engine) -> Callable[[Any, Any, Any], None]:
    """Ping a pooled connection at checkout only when it sat idle over `PING_AFTER_IDLE`
    seconds (a PostgreSQL restarted overnight, a firewall that dropped it): the pool then
    opens a fresh one instead of failing the request. The engine's `pool_pre_ping` pinged
    on every checkout, a round trip per tracking lookup (~11% of its CPU); a connection in
    steady use is vouched for by its last statement, and one that breaks mid-use is
    invalidated with the pool (`_discard_broken`)."""

    def on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) <= PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # the pool retries the checkout with a new connection
            raise DisconnectionError(str(exc)) from exc

    return on_checkout


class Database:
    """The engine plus the reflected tables; `begin()` is the only way to touch data."""

    def __init__(self, url: str, busy_ms: int = 10_000, pool: int = POOL) -> None:
        with suppress(OSError):  # SQLite's own "unable to open" (Busy: retry) follows
            prepare_sqlite(url)  # a new SQLite file: 0600 in a 0700 folder, whatever the umask
        try:
            self.engine = make_engine(url, busy_ms, pool)
            migrations.migrate(self.engine)
            meta = MetaData()
            meta.reflect(bind=self.engine)
        except SQLAlchemyError as exc:
            raise _translate(exc) from exc
        self.tables: dict[str, Table] = dict(meta.tables)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._memo: dict[Hashable, Any] = {}

    def remember(self, key: Hashable, make: Callable[[], T]) -> T:
        """`make()` once per process for this database, then the same value: a statement
        built from the reflected tables (building a Core statement costs more Python than
        running it), a row that is never updated (a published catalog version), or a note
        this process keeps about the database (the rate limit's last swept window). Never
        for data another app server may change. Kept per `Database`, so two databases in
        one process (the tests) never see each other's."""
        try:
            found: T = self._memo[key]
        except KeyError:
            found = self._memo.setdefault(key, make())
        return found

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

    def json_rows(self, *columns: ColumnElement[Any]) -> ColumnElement[Any]:
        """An aggregate: the group's rows as one JSON array of arrays (NULL or "[]" for no
        rows; read it with `rows_of`). Lets one statement bring a page's child rows
        (an application's steps, stops, replies) instead of a round trip each."""
        if self.is_postgres:
            return func.json_agg(func.json_build_array(*columns))
        return func.json_group_array(func.json_array(*columns))

    def json_row(self, *columns: ColumnElement[Any]) -> ColumnElement[Any]:
        """One row's `columns` as a JSON array (read it with `rows_of`)."""
        return (func.json_build_array if self.is_postgres else func.json_array)(*columns)

    @staticmethod
    def rows_of(value: Any) -> list[Any]:
        """What `json_rows`/`json_row` gave: psycopg has parsed PostgreSQL's json already,
        SQLite hands over the text; no rows is NULL on PostgreSQL."""
        found = json.loads(value) if isinstance(value, str) else value
        return found if isinstance(found, list) else []

    def first(self, conn: Connection, statement: Any, params: dict[str, Any]) -> Any:
        """The first row (a tuple, or None) of `statement`, a statement kept by `remember`.

        On PostgreSQL it runs on psycopg's own cursor with the SQL compiled once: for the
        tracking page's two statements SQLAlchemy's per-execution work (parameters, result
        metadata, row objects) cost twice what psycopg does (0.4 against 0.15-0.2 ms of CPU
        a statement, measured here). Only for statements whose columns need no SQLAlchemy
        type processing (text, integers, JSON that psycopg parses). Errors are translated
        like `begin`'s; a broken connection is discarded with the idle pool."""
        if not self.is_postgres:
            return conn.execute(statement, params).first()
        compiled = self.remember(("compiled", statement), lambda: statement.compile(self.engine))
        sql, dbapi = compiled.string, self.engine.dialect.loaded_dbapi
        try:
            with conn.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
                return cursor.execute(sql, compiled.construct_params(params)).fetchone()
        except dbapi.Error as exc:
            self._discard_broken(conn)
            raise _translate(DBAPIError.instance(sql, params, exc, dbapi.Error)) from exc

    def _discard_broken(self, conn: Connection) -> None:
        """After psycopg found its connection broken (PostgreSQL restarted, the link cut):
        that connection and every idle one in the pool go, as SQLAlchemy does for the
        statements it runs itself, so the next requests get fresh connections."""
        if getattr(conn.connection.driver_connection, "broken", False):
            conn.invalidate()
            self.engine.dispose()

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A connection for one-statement work: on PostgreSQL in autocommit, so a lookup or
        a counter bump is one round trip instead of three (BEGIN, the statement, COMMIT);
        each statement is still atomic and sees one snapshot. SQLite has no round trips:
        there it is `begin()`."""
        if not self.is_postgres:
            with self.begin() as conn:
                yield conn
            return
        try:
            with self.engine.connect() as conn:
                yield conn.execution_options(isolation_level="AUTOCOMMIT")
        except SQLAlchemyError as exc:
            raise _translate(exc) from exc

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
