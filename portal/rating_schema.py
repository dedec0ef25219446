"""The 好差评 tables, as migrations 20+ appended to `portal.migrations.MIGRATIONS` (the pages'
part, the tracking page's own ratings, is 120+ in `portal.pages.schema`).

`ratings` holds one row per rating, every channel alike (GB/T 39046-2020 table 9, mapped in
docs/architecture.md), with the standard code (`sync.ratings`: 1 = 非常满意). `bad_cases`
holds the 差评整改 case a code 4 or 5 opens. Like every migration, these describe the schema
as it was at their version forever: never edit one, add the next.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    update,
)


def _ts(name: str, nullable: bool = False) -> Column[str]:
    return Column(name, String(40), nullable=nullable)


def _code(name: str, nullable: bool = True) -> Column[int]:
    return Column(name, Integer, nullable=nullable)


def v20_ratings(conn: Connection) -> None:
    """Ratings by channel and service event, and rectification cases. The 1-5 STAR ratings
    kept on applications before are turned round (5 stars = code 1) and copied as one
    counter rating each (the tracking page's own are re-labelled by migration 120)."""
    md = MetaData()
    apps = Table("applications", md, autoload_with=conn)  # referenced, and turned round
    ratings = Table(
        "ratings", md,
        Column("rating_id", String(80), primary_key=True),  # the client's UUID
        Column("app_uuid", String(64), ForeignKey("applications.uuid"), nullable=False),
        Column("terminal_id", String(8)),  # whose citizen screen took it; NULL: online
        Column("hall", String(200), nullable=False),
        Column("window", String(20), nullable=False),
        Column("clerk_id", String(64), nullable=False),
        Column("service_code", String(64), nullable=False),
        Column("region", String(12), nullable=False),
        Column("channel", String(20), nullable=False),
        Column("service_event", String(20), nullable=False),
        _code("code", False), _code("overall"), _code("efficiency"), _code("level"),
        _code("attitude"),
        Column("comment", Text, nullable=False),
        Column("count", Integer, nullable=False),
        _ts("at"),
        _ts("received_at"),
        Index("ix_ratings_app", "app_uuid"),
        Index("ix_ratings_hall_at", "hall", "at"),
    )  # fmt: skip
    Table(
        "bad_cases", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("rating_id", String(80), ForeignKey("ratings.rating_id"), unique=True),
        Column("app_uuid", String(64), nullable=False, index=True),
        Column("hall", String(200), nullable=False, index=True),
        _ts("opened_at"),
        Column("category", String(20)),
        Column("assignee", String(64)),
        Column("callback_note", Text),
        _ts("callback_at", True),
        Column("fix_note", Text),
        _ts("fixed_at", True),
        Column("reply", Text),
        _ts("replied_at", True),
        Column("updated_by", String(64)),
    )  # fmt: skip
    md.create_all(conn)
    _turn_stars_round(conn, apps, ratings)


def _turn_stars_round(conn: Connection, apps: Table, ratings: Table) -> None:
    conn.execute(update(apps).where(apps.c.rating.is_not(None)).values(rating=6 - apps.c.rating))
    rated = conn.execute(select(apps).where(apps.c.rating.is_not(None))).all()
    rows = [
        {"rating_id": f"{a.uuid}/legacy", "app_uuid": a.uuid, "terminal_id": a.terminal_id}
        | {"hall": a.hall, "window": a.window, "clerk_id": a.clerk_id, "region": ""}
        | {"service_code": a.service_code, "channel": "hall_terminal"}
        | {"service_event": "acceptance", "code": a.rating, "comment": "", "count": 1}
        | {"at": a.updated_at, "received_at": a.updated_at}
        for a in rated
    ]
    if rows:
        conn.execute(ratings.insert(), rows)


RATING_MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (20, "ratings by GB/T 39046, bad-rating cases", v20_ratings),
)
