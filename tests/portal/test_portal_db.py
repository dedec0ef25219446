"""The database layer: migrations recorded once, errors translated, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from portal import migrations
from portal.db import Database, make_engine
from portal.errors import Busy, StorageError


def test_migrations_recorded_and_not_repeated(db_url: str) -> None:
    engine = make_engine(db_url)
    first = migrations.migrate(engine)
    assert first[0] == 1
    assert migrations.migrate(engine) == []
    names = set(inspect(engine).get_table_names())
    assert {"terminals", "applications", "conflicts", "changes", "_migrations"} <= names
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM _migrations")).scalars().all()
    assert sorted(versions) == sorted(first)
    engine.dispose()


def test_data_survives_reopening(db: Database, db_url: str) -> None:
    from datetime import timedelta

    from portal import enrollment

    enrollment.issue_code(db, "H", 1, timedelta(hours=1))
    again = Database(db_url)
    with again.begin() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM enroll_codes")).scalar_one() == 1
    again.dispose()


def test_sqlite_settings(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    with db.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_errors_translated(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.db'}", busy_ms=50)
    with pytest.raises(StorageError) as info, db.begin() as conn:
        conn.execute(text("INSERT INTO no_such_table VALUES (1)"))
    assert "no_such_table" in info.value.message("en")
    import sqlite3

    holder = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Busy), db.begin():
            pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    db.dispose()
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(Busy):  # a database that cannot be opened at all: retry later
        Database(f"sqlite:///{tmp_path / 'a-file' / 'p.db'}")


def test_lost_unique_race_is_busy(db: Database) -> None:
    """Two app servers inserting the same key: the loser answers 503, its retry is a
    duplicate. (The race itself is simulated by inserting the same row twice.)"""
    row = {"sha256": "ab" * 32, "size": 1, "stored_at": "2026-01-01T00:00:00+00:00"}
    with db.begin() as conn:
        conn.execute(db.t("materials").insert().values(**row))
    with pytest.raises(Busy) as info, db.begin() as conn:
        conn.execute(db.t("materials").insert().values(**row))
    assert info.value.retry_after == 1


def test_no_free_pooled_connection_is_busy(db_url: str) -> None:
    """An app server whose every pooled connection stays taken (more pushes in flight than
    connections, for longer than the pool waits) answers 503 + Retry-After, not a 500 the
    terminal cannot retry on. The pool here is one connection and waits 50 ms, not 30 s."""
    db = Database(db_url)
    db.engine.dispose()
    db.engine = create_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=0.05)
    with db.engine.connect(), pytest.raises(Busy) as info, db.begin():  # the one, taken
        pass
    assert info.value.retry_after == 2
    db.dispose()
