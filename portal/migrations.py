"""Versioned schema migrations, recorded in `_migrations`, applied in order at start-up.

Each migration is a function taking a connection and using Core DDL on its OWN MetaData,
so it describes the schema as it was at that version forever (never edit a released one;
add the next). The same functions run on SQLite and PostgreSQL. On PostgreSQL an advisory
lock makes concurrent app servers start one after the other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    text,
)

from portal.licence_schema import LICENCE_MIGRATIONS
from portal.lookup_schema import LOOKUP_MIGRATIONS
from portal.pages.schema import PAGE_MIGRATIONS
from portal.rating_schema import RATING_MIGRATIONS
from portal.replacement_schema import MIGRATIONS as REPLACEMENT_MIGRATIONS
from portal.scale_schema import ROLLUP_MIGRATIONS, SCALE_MIGRATIONS

Migration = Callable[[Connection], None]


def _ts(name: str, nullable: bool = False) -> Column[str]:
    return Column(name, String(40), nullable=nullable)


def v1_initial(conn: Connection) -> None:
    """Terminals, enrollment codes, applications and their materials, conflicts, status
    events, the changes feed, catalog versions, audit heads."""
    md = MetaData()
    Table(
        "terminals", md,
        Column("terminal_id", String(8), primary_key=True),
        Column("hall", String(200), nullable=False),
        Column("window", Integer, nullable=False),
        Column("public_key", String(64), nullable=False),
        Column("code_secret", String(64), nullable=False),
        Column("token_hash", String(64), nullable=False, unique=True),
        _ts("enrolled_at"),
        _ts("revoked_at", True),
        Column("revoked_reason", Text),
        Column("audit_seq", BigInteger),
        Column("audit_hash", String(128)),
        _ts("last_seen_at", True),
    )  # fmt: skip
    Table(
        "enroll_codes", md,
        Column("code_hash", String(64), primary_key=True),
        Column("hall", String(200), nullable=False),
        Column("window", Integer, nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("used_at", True),
        Column("used_by", String(8)),
    )  # fmt: skip
    Table(
        "applications", md,
        Column("uuid", String(64), primary_key=True),
        Column("revision", Integer, nullable=False),
        Column("receipt_no", String(32), nullable=False, unique=True),
        Column("terminal_id", String(8), nullable=False),
        Column("hall", String(200), nullable=False, index=True),
        Column("window", String(20), nullable=False),
        Column("clerk_id", String(64), nullable=False),
        Column("kind", String(20), nullable=False),
        Column("service_code", String(64), nullable=False),
        Column("service_version", Integer, nullable=False),
        _ts("accepted_at"),
        Column("due_date", String(10)),
        Column("status", String(40), nullable=False),
        Column("answers", Text, nullable=False),
        Column("applicant", Text, nullable=False),
        Column("signature", String(64)),
        Column("notice_items", Text, nullable=False),
        Column("notice_uuid", String(64)),
        Column("rating", Integer),
        Column("signed_payload", Text),
        Column("content_hash", String(64), nullable=False),
        _ts("received_at"),
        _ts("updated_at"),
    )  # fmt: skip
    Table(
        "application_materials", md,
        Column("uuid", String(64), ForeignKey("applications.uuid"), nullable=False),
        Column("material_code", String(64), nullable=False),
        Column("sha256", String(64), nullable=False, index=True),
        PrimaryKeyConstraint("uuid", "material_code", "sha256"),
    )  # fmt: skip
    Table(
        "materials", md,
        Column("sha256", String(64), primary_key=True),
        Column("size", BigInteger, nullable=False),
        _ts("stored_at"),
    )  # fmt: skip
    Table(
        "conflicts", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uuid", String(64), nullable=False),
        Column("receipt_no", String(32), nullable=False),
        Column("terminal_id", String(8), nullable=False),
        Column("hall", String(200), nullable=False),
        Column("stored_hash", String(64)),
        Column("incoming_hash", String(64), nullable=False),
        Column("incoming", Text, nullable=False),
        Column("reason", Text, nullable=False),
        _ts("received_at"),
        _ts("resolved_at", True),
        UniqueConstraint("uuid", "incoming_hash"),
    )  # fmt: skip
    Table(
        "status_events", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uuid", String(64), ForeignKey("applications.uuid"), nullable=False, index=True),
        Column("status", String(40), nullable=False),
        Column("note", Text, nullable=False),
        Column("source", String(10), nullable=False),
        Column("event_id", String(80), unique=True),
        _ts("at"),
        _ts("recorded_at"),
    )  # fmt: skip
    Table(
        "changes", md,
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("kind", String(10), nullable=False),
        Column("terminal_id", String(8)),
        Column("payload", Text, nullable=False),
        _ts("at"),
        Index("ix_changes_terminal_seq", "terminal_id", "seq"),
        sqlite_autoincrement=True,
    )  # fmt: skip
    Table(
        "catalog_items", md,
        Column("code", String(64), nullable=False),
        Column("version", Integer, nullable=False),
        Column("definition", Text, nullable=False),
        _ts("published_at"),
        PrimaryKeyConstraint("code", "version"),
    )  # fmt: skip
    Table(
        "audit_heads", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("terminal_id", String(8), nullable=False, index=True),
        Column("seq", BigInteger, nullable=False),
        Column("hash", String(128), nullable=False),
        _ts("received_at"),
    )  # fmt: skip
    md.create_all(conn)


def v2_event_senders(conn: Connection) -> None:
    """Which terminal and window sent each status event (a supplement may come from
    another window of the hall than the owner's), and event IDs scoped by that terminal
    (`TERMINAL/ID`, so one terminal cannot take another's IDs): 80 + 5 characters."""
    conn.execute(text("ALTER TABLE status_events ADD COLUMN terminal_id VARCHAR(8)"))
    conn.execute(text('ALTER TABLE status_events ADD COLUMN "window" VARCHAR(20)'))
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE status_events ALTER COLUMN event_id TYPE VARCHAR(100)"))


def v3_material_holders(conn: Connection) -> None:
    """Which halls hold which files (uploaded whole by one of their terminals), so the
    platform never tells one hall about another's files; filled from the applications
    already stored (their materials and signatures)."""
    md = MetaData()
    holders = Table(
        "material_holders", md,
        Column("sha256", String(64), nullable=False),
        Column("hall", String(200), nullable=False),
        _ts("held_since"),
        PrimaryKeyConstraint("sha256", "hall"),
    )  # fmt: skip
    md.create_all(conn)
    known = text(
        "SELECT DISTINCT m.sha256, a.hall FROM application_materials m"
        " JOIN applications a ON a.uuid = m.uuid UNION"
        " SELECT DISTINCT signature, hall FROM applications WHERE signature IS NOT NULL"
    )
    rows = [{"sha256": r[0], "hall": r[1], "held_since": datetime.now(UTC).isoformat()}
            for r in conn.execute(known)]  # fmt: skip
    if rows:
        conn.execute(insert(holders), rows)


MIGRATIONS: tuple[tuple[int, str, Migration], ...] = (
    (1, "initial", v1_initial),
    (2, "status event senders", v2_event_senders),
    (3, "material holders per hall", v3_material_holders),
)
MIGRATIONS += RATING_MIGRATIONS  # 好差评 (portal/rating_schema.py), versions 20-29
MIGRATIONS += LOOKUP_MIGRATIONS  # one-number lookups (portal/lookup_schema.py), versions 30-34
MIGRATIONS += LICENCE_MIGRATIONS  # 电子证照 (portal/licence_schema.py), versions 40-44
MIGRATIONS += SCALE_MIGRATIONS  # province-scale indexes (portal/scale_schema.py), 80-84
MIGRATIONS += PAGE_MIGRATIONS  # the pages' tables (portal/pages/schema.py), versions 101+
MIGRATIONS += REPLACEMENT_MIGRATIONS  # a window moved to a new PC (portal/replacement.py), 50
MIGRATIONS += ROLLUP_MIGRATIONS  # open data's rollup (portal/pages/rollup.py), 90, after 101+

_md = MetaData()
_migrations = Table(
    "_migrations",
    _md,
    Column("version", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("applied_at", String(40), nullable=False),
)


def migrate(engine: Engine) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied now."""
    done: list[int] = []
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7001)"))
        _migrations.create(conn, checkfirst=True)
        applied = set(conn.scalars(select(_migrations.c.version)))
        for version, name, func in MIGRATIONS:
            if version in applied:
                continue
            func(conn)
            conn.execute(
                insert(_migrations).values(
                    version=version, name=name, applied_at=datetime.now(UTC).isoformat()
                )
            )
            done.append(version)
    return done
