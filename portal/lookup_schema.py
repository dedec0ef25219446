"""The "one number" lookup tables, migration 30 appended to `portal.migrations.MIGRATIONS`.

`applications.applicant_id_no` files each application under its applicant's normalised
identifier (filled from the stored applicant JSON), so a lookup is one indexed query.
`lookups` is the trail of every lookup (who, which terminal and clerk, for which
application, with which consent) and, counted per terminal over a recent window, the rate
limit: a table, so it holds across app servers. `lookup_offers` is what each lookup offered
(only those files may be downloaded, by that terminal, for a short while), and
`lookup_downloads` every file fetched, which the citizen's tracking page shows. Like every
migration, this describes the schema as it was at its version forever.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    text,
)


def _ts(name: str) -> Column[str]:
    return Column(name, String(40), nullable=False)


def _backfill_applicant_ids(conn: Connection) -> None:
    """One statement, not a round trip per application: a platform upgrading with a year of
    applications (millions of rows) must not spend hours here with its tables locked."""
    if conn.dialect.name == "postgresql":
        extract = "(applicant::jsonb ->> 'id_no')"
    else:
        extract = "json_extract(applicant, '$.id_no')"
    conn.execute(
        text(f"UPDATE applications SET applicant_id_no = upper(trim(coalesce({extract}, '')))")
    )


def v30_lookups(conn: Connection) -> None:
    """The applicant index, the lookup trail (also the rate limit), offers and downloads."""
    conn.execute(text("ALTER TABLE applications ADD COLUMN applicant_id_no VARCHAR(64)"))
    _backfill_applicant_ids(conn)
    conn.execute(text("CREATE INDEX ix_applications_applicant ON applications (applicant_id_no)"))
    md = MetaData()
    Table(
        "lookups", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("terminal_id", String(8), nullable=False),
        Column("hall", String(200), nullable=False),
        Column("window", String(20), nullable=False),
        Column("clerk_id", String(64), nullable=False),
        Column("id_type", String(20), nullable=False),
        Column("id_no", String(64), nullable=False, index=True),
        Column("application", String(64), nullable=False),
        Column("service_code", String(64)),
        Column("consent_method", String(20), nullable=False),
        Column("consent_at", String(40), nullable=False),
        Column("scope", String(10), nullable=False),
        Column("offered", Integer, nullable=False),
        _ts("at"),
        Index("ix_lookups_terminal_at", "terminal_id", "at"),
    )  # fmt: skip
    Table(
        "lookup_offers", md,
        Column("lookup_id", Integer, ForeignKey("lookups.id"), nullable=False),
        Column("sha256", String(64), nullable=False, index=True),
        Column("source_uuid", String(64)),  # the application it was given with (None: issued)
        Column("material_code", String(64), nullable=False),
        PrimaryKeyConstraint("lookup_id", "sha256"),
    )  # fmt: skip
    Table(
        "lookup_downloads", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("lookup_id", Integer, ForeignKey("lookups.id"), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("source_uuid", String(64), index=True),
        Column("material_code", String(64), nullable=False),
        Column("size", BigInteger, nullable=False),
        _ts("at"),
    )  # fmt: skip
    md.create_all(conn)


LOOKUP_MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (30, "one-number lookups: applicant index, trail, offers, downloads", v30_lookups),
)
