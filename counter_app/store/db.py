"""The terminal's SQLite database: one connection, one writer, errors in the clerk's words.

Why this shape: the hall must keep working for days without the network, so every write is
durable before a receipt prints (WAL + `synchronous=FULL`), and one process with one writer
connection serialises writes with `BEGIN IMMEDIATE` (no surprise SQLITE_BUSY mid-transaction).
Readers on other connections keep seeing the last committed state while a write is open.

sqlite-utils' table helpers wrap each call in `with conn:` which would COMMIT our open
transaction, so inside `Store.transaction()` we write with `Store.insert()` / plain SQL.
`Store.db` (the sqlite-utils view, for schema inspection and tools) is imported on first use:
importing sqlite-utils costs ~110 ms (click, dateutil, an entry-point scan), which the clerk
would otherwise wait for before the login window can check a password; `query()` builds its
row dicts from the cursor the same way sqlite-utils' `Database.query` does.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.errors import StoreError
from counter_app.store.checkpoints import BACKSTOP_PAGES, Checkpointer
from forms.text import Text

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_S = 5.0

_MESSAGES: dict[int, Text] = {
    sqlite3.SQLITE_FULL: Text(
        "磁盘已满，申请未保存。请清理磁盘空间后重试，已填写的内容不会丢失。",
        "The disk is full; nothing was saved. Free some disk space and try again.",
    ),
    sqlite3.SQLITE_READONLY: Text(
        "数据库为只读，无法保存。请检查数据文件夹的写入权限。",
        "The database is read-only; nothing was saved. Check write access to the data folder.",
    ),
    sqlite3.SQLITE_BUSY: Text(
        "数据库正被另一程序占用，请稍后重试。",
        "The database is busy in another program; try again in a moment.",
    ),
    sqlite3.SQLITE_LOCKED: Text(
        "数据库正被另一程序占用，请稍后重试。",
        "The database is busy in another program; try again in a moment.",
    ),
    sqlite3.SQLITE_CANTOPEN: Text(
        "无法打开数据库文件，请检查数据文件夹是否存在且可写。",
        "Cannot open the database file; check that the data folder exists and is writable.",
    ),
    sqlite3.SQLITE_NOTADB: Text(
        "数据文件不是有效的数据库（可能已损坏），请从备份恢复。",
        "The data file is not a valid database (it may be damaged); restore it from a backup.",
    ),
    sqlite3.SQLITE_CORRUPT: Text(
        "数据库已损坏，请从备份恢复。",
        "The database is damaged; restore it from a backup.",
    ),
    sqlite3.SQLITE_IOERR: Text(
        "读写数据文件时出错（磁盘故障或已满），申请未保存。",
        "Reading or writing the data file failed (disk fault or full); nothing was saved.",
    ),
    sqlite3.SQLITE_CONSTRAINT: Text(
        "数据冲突：记录已存在或引用的数据不存在。",
        "Data conflict: the record exists already or refers to missing data.",
    ),
}


def translate(exc: sqlite3.Error) -> StoreError:
    """The clerk-facing StoreError for a sqlite3 error (primary result code decides)."""
    code = getattr(exc, "sqlite_errorcode", None)
    text = _MESSAGES.get(code & 0xFF) if code is not None else None
    if text is None:
        text = Text(f"数据库错误：{exc}", f"Database error: {exc}")
    error = StoreError(text)
    error.sqlite_code = code  # type: ignore[attr-defined]
    return error


@contextlib.contextmanager
def guard() -> Iterator[None]:
    """Re-raise sqlite3 errors inside the block as StoreError (the package boundary)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise translate(exc) from exc


class Store:
    """The open database. Use `transaction()` for every write; `query()` for reads."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()
        self._depth = 0
        self._after_commit: dict[str, Callable[[Store], None]] = {}
        #: What a writer may remember inside the open transaction (the audit chain's last
        #: seq and hash): emptied when the transaction ends and when a savepoint is rolled
        #: back, so nothing outlives the writes it was read from.
        self.memo: dict[str, Any] = {}
        #: The background WAL checkpoints (`checkpoints`), once `checkpoint_in_background`.
        self.checkpoints: Checkpointer | None = None

    def checkpoint_in_background(self) -> None:
        """Move the WAL checkpoints off the commits onto their own thread (see
        `counter_app.store.checkpoints` for why and why it is safe)."""
        with self._use():
            self.conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}").fetchone()
        self.checkpoints = Checkpointer(self.path)

    @property
    def conn(self) -> sqlite3.Connection:
        return self._conn

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils on the same connection (imported here, on first use: see above)."""
        # start-up: sqlite-utils takes ~110 ms to import (see the module docstring)
        import sqlite_utils

        return sqlite_utils.Database(self._conn)

    @contextlib.contextmanager
    def _use(self) -> Iterator[sqlite3.Connection]:
        """The connection for one statement: one thread at a time (the UI runs storage in
        worker threads; a statement must never slip into another thread's transaction)."""
        with self._lock, guard():
            yield self._conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """`BEGIN IMMEDIATE` ... `COMMIT`; rollback on any exception. A nested call joins
        the outer transaction, so service functions compose into one atomic write."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            with guard():
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
                with guard():
                    self.conn.execute("COMMIT")
            except BaseException:
                self._after_commit.clear()
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
                self.memo.clear()
            if self.checkpoints is not None:
                self.checkpoints.poke()
            self._run_after_commit()

    def after_commit(self, name: str, callback: Callable[[Store], None]) -> None:
        """Run `callback(store)` once after the open transaction commits (once per `name`,
        however often it is asked for); forgotten on rollback. For what must live outside
        the database but in step with it (the audit head file)."""
        if not self._depth:
            callback(self)
            return
        self._after_commit[name] = callback

    def _run_after_commit(self) -> None:
        pending, self._after_commit = self._after_commit, {}
        for callback in pending.values():
            callback(self)

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[Store]:
        """A part of the open transaction that fails alone: on an exception its writes are
        rolled back (`ROLLBACK TO`) and the exception goes on, the rest of the transaction
        stays. Outside a transaction it is one. If SQLite itself ended the transaction
        (a full disk can), there is nothing to roll back to and the error goes on as is."""
        with self._lock:
            if not self._depth:
                with self.transaction():
                    yield self
                return
            name = f"sp{self._depth}"
            with guard():
                self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self.memo.clear()
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                raise
            else:
                with guard():
                    self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        """Run one statement; returns the number of rows changed."""
        with self._use():
            return self.conn.execute(sql, params).rowcount

    def query(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[dict[str, Any]]:
        """All result rows as dicts (column name -> value, in the SELECT's order)."""
        with self._use():
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor]

    def one(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> dict[str, Any] | None:
        """The first result row, or None."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        """The first column of the first row, or None."""
        with self._use():
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def insert(self, table: str, row: Mapping[str, Any], *, or_ignore: bool = False) -> int:
        """INSERT one row given as a dict (safe inside a transaction); returns its rowid."""
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _ in row)
        verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
        with self._use():
            cur = self.conn.execute(
                f'{verb} INTO "{table}" ({cols}) VALUES ({marks})', tuple(row.values())
            )
        return int(cur.lastrowid or 0)

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else str(value)

    def set_setting(self, key: str, value: str | None) -> None:
        """Write one setting (its own transaction unless inside one)."""
        with self.transaction():
            if value is None:
                self.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                self.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def close(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.close()
        with guard():
            self.conn.close()


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (we issue BEGIN ourselves) with the durability pragmas."""
    with guard():
        if readonly:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(
                uri,
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_S,
            )
        else:
            conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
            )
        try:
            _pragmas(conn, readonly)
        except sqlite3.Error:
            conn.close()
            raise
    return conn


def _pragmas(conn: sqlite3.Connection, readonly: bool) -> None:
    if not readonly:
        conn.execute("PRAGMA journal_mode=WAL").fetchone()
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    # Set by sqlite-utils' Database() when every Store made one; it must stay now that it
    # is made on first use: without it, INSERT OR REPLACE deletes a row WITHOUT firing the
    # delete triggers, so the audit log's append-only trigger could be walked around.
    conn.execute("PRAGMA recursive_triggers=ON")
