"""Migrations: a database of the first schema opens with the current code, data intact."""

from __future__ import annotations

from pathlib import Path

from counter_app.store import open_store
from counter_app.store.migrations import MIGRATIONS


def test_fresh_database_has_every_migration(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    applied = [r["version"] for r in store.query("SELECT version FROM _migrations")]
    assert applied == sorted(MIGRATIONS) and len(applied) >= 2
    store.close()


def test_first_schema_with_data_migrates_intact(tmp_path: Path) -> None:
    old = open_store(tmp_path / "c.db", upto=1)
    assert "accepted_day" not in old.db["submissions"].columns_dict
    with old.transaction():
        old.insert(
            "catalog_items",
            {
                "code": "X-1",
                "version": 1,
                "definition": "{}",
                "imported_at": "2025-01-01T00:00:00+00:00",
            },
        )
        old.insert(
            "clerks",
            {
                "clerk_id": "C1",
                "name": "张三",
                "role": "clerk",
                "password_hash": "h",
                "created_at": "2025-01-01T00:00:00+00:00",
            },
        )
        old.insert(
            "applicants",
            {
                "id_no": "11010519491231002X",
                "kind": "person",
                "name": "王小明",
                "created_at": "t",
                "updated_at": "t",
            },
        )
        old.insert(
            "submissions",
            {
                "uuid": "u1",
                "receipt_no": "0K3ABCD0014",
                "kind": "acceptance",
                "service_code": "X-1",
                "service_version": 1,
                "applicant_id": "11010519491231002X",
                "answers": '{"a": 1}',
                "status": "received",
                "accepted_at": "2025-12-31T17:30:00+00:00",  # 01:30 on Jan 1 in the hall
                "clerk_id": "C1",
                "terminal_id": "ABCD",
                "content_hash": "h",
            },
        )
    old.close()

    new = open_store(tmp_path / "c.db")
    row = new.one("SELECT * FROM submissions WHERE uuid = 'u1'")
    assert row is not None
    assert row["answers"] == '{"a": 1}' and row["receipt_no"] == "0K3ABCD0014"
    assert row["accepted_day"] == "2026-01-01"  # back-filled in the hall's time zone
    assert row["settled_at"] is None
    assert new.scalar("SELECT name FROM applicants") == "王小明"
    assert "applicants_name" in {i.name for i in new.db["applicants"].indexes}
    new.close()


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    open_store(tmp_path / "c.db").close()
    store = open_store(tmp_path / "c.db")
    assert store.scalar("SELECT COUNT(*) FROM _migrations") == len(MIGRATIONS)
    store.close()


def test_signed_payload_column_added_to_an_older_database(tmp_path: Path) -> None:
    open_store(tmp_path / "c.db", upto=2).close()
    store = open_store(tmp_path / "c.db")
    assert "signed_payload" in store.db["submissions"].columns_dict
    assert store.scalar("SELECT name FROM _migrations WHERE version = 3") == "signed_payloads"
    store.close()
