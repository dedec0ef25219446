"""Migration 50 (issue 16, `portal.replacement`): the terminal a replacement code
re-enrolls, and the keys and code secrets a terminal had before it moved to a new PC.
Like every migration, it describes the schema as it was at its version forever."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, text


def v50_replacement_codes(conn: Connection) -> None:
    """The terminal a replacement code re-enrolls, and the keys a terminal had before."""
    conn.execute(text("ALTER TABLE enroll_codes ADD COLUMN replaces VARCHAR(8)"))
    md = MetaData()
    Table(
        "terminal_keys", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("terminal_id", String(8), nullable=False, index=True),
        Column("public_key", String(64), nullable=False),
        Column("code_secret", String(64), nullable=False),
        Column("enrolled_at", String(40), nullable=False),
        Column("replaced_at", String(40), nullable=False),
    )  # fmt: skip
    md.create_all(conn)


MIGRATIONS = ((50, "replacement codes and old terminal keys", v50_replacement_codes),)
