"""The pages' tables, as migrations appended to `portal.migrations.MIGRATIONS`.

Numbered from 101 so they never collide with the API's own migrations (2, 3, ...), which
another engineer adds at the same time; `migrate` applies the list in order and records
each version once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    text,
    update,
)


def _ts(name: str, nullable: bool = False) -> Column[str]:
    return Column(name, String(40), nullable=nullable)


def v101_pages(conn: Connection) -> None:
    """Staff users, per-item time limits, lookup rate-limit buckets, citizens' ratings and
    the secret that signs staff session cookies (shared by every app server)."""
    md = MetaData()
    Table(
        "staff_users", md,
        Column("username", String(64), primary_key=True),
        Column("display_name", String(200), nullable=False),
        Column("password_hash", String(200), nullable=False),
        _ts("created_at"),
        _ts("disabled_at", True),
    )  # fmt: skip
    Table(
        "item_limits", md,
        Column("service_code", String(64), primary_key=True),
        Column("working_days", Integer, nullable=False),
        Column("updated_by", String(64), nullable=False),
        _ts("updated_at"),
    )  # fmt: skip
    Table(
        "rate_hits", md,
        Column("bucket", String(120), primary_key=True),
        Column("hits", Integer, nullable=False),
        Column("window_start", Integer, nullable=False, index=True),
    )  # fmt: skip
    Table(
        "citizen_ratings", md,
        Column("uuid", String(64), primary_key=True),
        Column("rating", Integer, nullable=False),
        Column("comment", Text, nullable=False),
        _ts("at"),
    )  # fmt: skip
    secrets_table = Table(
        "page_secrets", md,
        Column("name", String(40), primary_key=True),
        Column("value", String(128), nullable=False),
    )  # fmt: skip
    md.create_all(conn)
    conn.execute(insert(secrets_table).values(name="session", value=secrets.token_hex(32)))


def v102_login_failures(conn: Connection) -> None:
    """Wrong staff passwords per user name, for the per-account back-off (times are Unix
    seconds, compared as numbers)."""
    md = MetaData()
    Table(
        "login_failures", md,
        Column("username", String(64), primary_key=True),
        Column("failures", Integer, nullable=False),
        Column("locked_until", BigInteger, nullable=False),
        Column("last_at", BigInteger, nullable=False, index=True),
    )  # fmt: skip
    md.create_all(conn)


def v103_staff_sessions(conn: Connection) -> None:
    """Staff sessions on the server (SHA-256 of the cookie's session ID), so logout and a
    password change revoke them. Cookies from before have no session ID: they stop working."""
    md = MetaData()
    Table(
        "staff_sessions", md,
        Column("sid_hash", String(64), primary_key=True),
        Column("username", String(64), nullable=False, index=True),
        Column("issued_at", BigInteger, nullable=False, index=True),
        _ts("revoked_at", True),
    )  # fmt: skip
    md.create_all(conn)


def v120_standard_codes(conn: Connection) -> None:
    """The tracking page's ratings as GB/T 39046 codes (5 stars = code 1), and the copies
    migration 20 made of them marked as what they were: channel 二维码, after settlement,
    with their comment (文字评价)."""
    md = MetaData()
    mine = Table("citizen_ratings", md, autoload_with=conn)
    ratings = Table("ratings", md, autoload_with=conn)
    conn.execute(update(mine).values(rating=6 - mine.c.rating))
    for row in conn.execute(select(mine)).all():
        values = {"channel": "qr_code", "service_event": "settlement", "terminal_id": None}
        values |= {"comment": row.comment, "at": row.at}
        conn.execute(
            update(ratings).where(ratings.c.rating_id == f"{row.uuid}/legacy").values(**values)
        )


def v130_clock_stops(conn: Connection) -> None:
    """Clock stops (特别程序, issue 15): kind, the reason as the citizen reads it, the days
    it started and ended (hall dates), an extension's length, who did it."""
    md = MetaData()
    Table(
        "clock_stops", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("uuid", String(64), nullable=False, index=True),
        Column("kind", String(20), nullable=False),
        Column("reason", Text, nullable=False),
        Column("days", Integer, nullable=True),
        Column("started_on", String(10), nullable=False),
        Column("ended_on", String(10), nullable=True),
        Column("started_by", String(64), nullable=False),
        Column("ended_by", String(64), nullable=True),
        _ts("started_at"),
        _ts("ended_at", True),
    )  # fmt: skip
    md.create_all(conn)


def v140_unlogged_rate_hits(conn: Connection) -> None:
    """On PostgreSQL the lookup counters skip the write-ahead log: every tracking lookup
    bumps one, and a logged bump cost each lookup a WAL record and a flush at commit. What
    is given up: after a PostgreSQL crash (not a clean restart) or on a promoted replica
    the counters start at zero, so a guesser gets one fresh window of lookups then."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE rate_hits SET UNLOGGED"))


PAGE_MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (101, "pages: staff, item limits, rate limits, ratings", v101_pages),
    (102, "pages: per-account login back-off", v102_login_failures),
    (103, "pages: server-side staff sessions", v103_staff_sessions),
    (120, "pages: ratings as GB/T 39046 codes", v120_standard_codes),
    (130, "pages: clock stops (issue 15)", v130_clock_stops),
    (140, "pages: rate-limit counters unlogged on PostgreSQL", v140_unlogged_rate_hits),
)
