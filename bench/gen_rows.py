"""The bulk-insert side of `bench.gen_db`: rows batched per table, with the column lists
they fill, and the secondary indexes dropped while they go in."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any


def drop_indexes(conn: sqlite3.Connection) -> list[str]:
    """Drop the migrations' secondary indexes; returns their SQL to build them again."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


@dataclass
class Tables:
    """Rows waiting for the next executemany, by table."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows.setdefault(table, []).append(row)


COLUMNS = {
    "submissions": (
        "uuid, receipt_no, kind, service_code, service_version, applicant_id, answers, status, "
        'accepted_at, accepted_day, due_date, clerk_id, terminal_id, hall, "window", rating, '
        "content_hash, sync_state, settled_at"
    ),
    "materials": "sha256, size, mime, stored_at",
    "submission_materials": "uuid, material_code, sha256, reused",
    "applicant_materials": "applicant_id, material_code, sha256, given_at",
    "notice_items": "uuid, material_code, reason",
    "status_events": "uuid, status, note, source, at, remote_id",
    "outbox": "kind, entity_uuid, payload, state, next_attempt_at, created_at",
    "audit_log": "seq, at, actor, action, entity, detail, prev_hash, hash",
    "receipt_counters": "day, last_seq",
}
