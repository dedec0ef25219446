"""The store's promises: durable settings, one writer, readers during a write, errors in
the clerk's words. (Named test_store_db: tests/ has no packages, basenames must differ.)"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from counter_app.errors import StoreError
from counter_app.store import open_store


def test_open_sets_durability_pragmas(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA synchronous") == 2  # FULL
    assert store.scalar("PRAGMA foreign_keys") == 1
    assert store.scalar("PRAGMA busy_timeout") >= 1000
    store.close()


def test_data_survives_reopen(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    store.set_setting("hall", "南昌市民中心")
    store.close()
    again = open_store(tmp_path / "c.db")
    assert again.get_setting("hall") == "南昌市民中心"
    again.close()


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    with pytest.raises(RuntimeError), store.transaction():
        store.set_setting("a", "1")
        raise RuntimeError("boom")
    assert store.get_setting("a") is None
    store.close()


def test_nested_transactions_commit_once_together(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    with pytest.raises(RuntimeError), store.transaction():
        with store.transaction():
            store.set_setting("inner", "1")
        raise RuntimeError("outer fails after inner finished")
    assert store.get_setting("inner") is None
    store.close()


def test_readers_see_committed_data_while_writer_holds_transaction(tmp_path: Path) -> None:
    writer = open_store(tmp_path / "c.db")
    writer.set_setting("k", "committed")
    reader = open_store(tmp_path / "c.db")
    with writer.transaction():
        writer.set_setting("k", "uncommitted")
        assert reader.get_setting("k") == "committed"  # not blocked, not dirty
    assert reader.get_setting("k") == "uncommitted"
    writer.close()
    reader.close()


def test_second_writer_waits_then_reports_busy(tmp_path: Path) -> None:
    import counter_app.store.db as db

    writer = open_store(tmp_path / "c.db")
    other = open_store(tmp_path / "c.db")
    other.conn.execute("PRAGMA busy_timeout=50")
    with writer.transaction(), pytest.raises(StoreError) as err, other.transaction():
        pass
    assert "busy" in err.value.message("en")
    assert db.BUSY_TIMEOUT_S >= 1
    writer.close()
    other.close()


def test_disk_full_is_translated(tmp_path: Path) -> None:
    """SQLITE_FULL for real: the database may not grow past its current pages."""
    store = open_store(tmp_path / "c.db")
    pages = store.scalar("PRAGMA page_count")
    store.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(StoreError) as err, store.transaction():
        for i in range(200):
            store.insert("settings", {"key": f"k{i}", "value": "x" * 2000})
    assert "disk is full" in err.value.message("en")
    assert "磁盘已满" in err.value.message("zh_CN")
    store.execute(f"PRAGMA max_page_count={pages * 1000}")
    store.set_setting("after", "works again")  # nothing half-written blocks later work
    assert store.get_setting("after") == "works again"
    store.close()


def test_read_only_database_is_translated(tmp_path: Path) -> None:
    open_store(tmp_path / "c.db").close()
    store = open_store(tmp_path / "c.db", readonly=True)
    assert store.scalar("SELECT COUNT(*) FROM _migrations") >= 2
    with pytest.raises(StoreError) as err:
        store.set_setting("x", "y")
    assert "read-only" in err.value.message("en")
    store.close()


def test_not_a_database_is_translated(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert "not a valid database" in err.value.message("en")


def test_missing_folder_is_translated(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        open_store(tmp_path / "no" / "such" / "c.db")
    assert "Cannot open" in err.value.message("en")


def test_constraint_violation_is_translated(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    with pytest.raises(StoreError) as err:
        store.insert("materials", {"sha256": "a", "size": 1})  # mime, stored_at missing
    assert isinstance(err.value.__cause__, sqlite3.IntegrityError)
    store.close()


def test_other_sqlite_errors_still_have_a_message(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    with pytest.raises(StoreError) as err:
        store.query("SELECT * FROM no_such_table")
    assert err.value.message("en").startswith("Database error: no such table")
    assert err.value.message("zh_CN").startswith("数据库错误")
    store.close()


def test_worker_threads_share_one_store_safely(tmp_path: Path) -> None:
    """The UI runs storage in worker threads: their transactions must not interleave."""
    import threading

    store = open_store(tmp_path / "c.db")
    store.set_setting("n", "0")

    def bump() -> None:
        for _ in range(15):
            with store.transaction():
                n = int(store.get_setting("n") or 0)
                store.set_setting("n", str(n + 1))

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get_setting("n") == "60"
    store.close()


def test_query_rows_are_dicts_in_select_order(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    store.set_setting("hall", "南昌市民中心")
    rows = store.query("SELECT value AS v, key AS k FROM settings WHERE key = ?", ("hall",))
    assert rows == [{"v": "南昌市民中心", "k": "hall"}]
    assert list(rows[0]) == ["v", "k"]
    assert store.query("SELECT key FROM settings WHERE key = 'none'") == []
    assert store.one("SELECT key FROM settings WHERE key = 'none'") is None
    store.close()


def test_opening_and_reading_do_not_import_sqlite_utils(tmp_path: Path) -> None:
    """sqlite-utils costs ~110 ms to import: the window's start must not pay it (it is
    loaded on first use of `Store.db`). Run in a fresh interpreter: this one has it."""
    script = (
        "import sys\n"
        "from counter_app.store import open_store\n"
        f"s = open_store({str(tmp_path / 'c.db')!r})\n"
        "s.set_setting('hall', 'x')\n"
        "assert s.query('SELECT * FROM settings')\n"
        "assert 'sqlite_utils' not in sys.modules, 'imported at open'\n"
        "assert 'settings' in s.db.table_names()\n"
        "assert 'sqlite_utils' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_savepoint_rolls_back_only_its_own_writes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    with store.transaction():
        store.set_setting("before", "1")
        with pytest.raises(RuntimeError), store.savepoint():
            store.set_setting("inside", "1")
            raise RuntimeError("one bad change")
        with store.savepoint():
            store.set_setting("after", "1")
    assert store.get_setting("before") == "1" and store.get_setting("after") == "1"
    assert store.get_setting("inside") is None
    store.close()


def test_savepoint_outside_a_transaction_is_one(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    with pytest.raises(RuntimeError), store.savepoint():
        store.set_setting("a", "1")
        raise RuntimeError("boom")
    with store.savepoint():
        store.set_setting("b", "1")
    assert store.get_setting("a") is None and store.get_setting("b") == "1"
    assert not store.conn.in_transaction
    store.close()


def test_savepoint_when_sqlite_ended_the_transaction_passes_the_error_on(tmp_path: Path) -> None:
    """A full disk can make SQLite roll the whole transaction back itself: there is no
    savepoint left to roll back to, so the original error must come out, not a new one."""
    store = open_store(tmp_path / "c.db")
    with pytest.raises(StoreError), store.transaction():
        with pytest.raises(RuntimeError, match="disk full"), store.savepoint():
            store.set_setting("a", "1")
            store.conn.execute("ROLLBACK")  # what SQLite does on some SQLITE_FULL errors
            raise RuntimeError("disk full")
        assert not store.conn.in_transaction
    # the outer COMMIT then fails (nothing to commit): the caller learns the page was lost
    assert store.get_setting("a") is None
    store.close()


def test_replacing_an_audit_row_is_refused_like_deleting_it(tmp_path: Path) -> None:
    """INSERT OR REPLACE deletes the old row; with recursive triggers on (as sqlite-utils
    set them) the append-only trigger sees that delete and refuses it."""
    store = open_store(tmp_path / "c.db")
    row = ("2026-01-01T00:00:00Z", "A001", "login", "A001", "{}", "0" * 64, "1" * 64)
    with store.transaction():
        store.execute(
            "INSERT INTO audit_log (seq, at, actor, action, entity, detail, prev_hash, hash) "
            "VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
    with pytest.raises(StoreError), store.transaction():
        store.execute(
            "INSERT OR REPLACE INTO audit_log "
            "(seq, at, actor, action, entity, detail, prev_hash, hash) "
            "VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
            (*row[:4], '{"forged": true}', *row[5:]),
        )
    assert store.scalar("SELECT detail FROM audit_log WHERE seq = 1") == "{}"
    store.close()
