"""Migrations 20 and 120: a platform of the star days (1-5 stars, 5 the best) comes out with
GB/T 39046 codes (1 = 非常满意), each old rating kept as one rating of the right channel."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData, Table, insert, select, text

from portal import migrations
from portal.db import make_engine
from portal.pages.schema import v101_pages


def _app(uuid: str, receipt: str, stars: int | None) -> dict[str, object]:
    at = "2026-11-26T06:05:00+00:00"
    return {"uuid": uuid, "revision": 1, "receipt_no": receipt, "terminal_id": "7QXM"} | {
        "hall": "南昌市民中心", "window": "3", "clerk_id": "C001", "kind": "acceptance",
        "service_code": "PAGE-001", "service_version": 1, "accepted_at": at,
        "status": "approved", "answers": "{}", "applicant": "{}", "notice_items": "[]",
        "rating": stars, "content_hash": "0" * 64, "received_at": at, "updated_at": at,
    }  # fmt: skip


def test_star_ratings_become_codes_on_both_databases(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:  # the platform as versions 1 and 101 left it
        migrations.v1_initial(conn)
        v101_pages(conn)
        migrations._migrations.create(conn)
        now = datetime.now(UTC).isoformat()
        for version in (1, 101):
            conn.execute(
                insert(migrations._migrations).values(version=version, name="old", applied_at=now)
            )
        md = MetaData()
        apps = Table("applications", md, autoload_with=conn)
        online = Table("citizen_ratings", md, autoload_with=conn)
        conn.execute(insert(apps), [_app("u-counter", "R1", 5), _app("u-web", "R2", 2)])
        conn.execute(insert(apps), [_app("u-none", "R3", None)])
        conn.execute(insert(online).values(uuid="u-web", rating=2, comment="慢", at=now))

    applied = migrations.migrate(engine)
    assert 20 in applied and 120 in applied and applied.index(20) < applied.index(120)

    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT uuid, rating FROM applications")).all())
        rows = conn.execute(
            text("SELECT app_uuid, code, channel, service_event, comment FROM ratings")
        ).all()
        web = conn.execute(select(online.c.rating)).scalar_one()
    assert stored == {"u-counter": 1, "u-web": 4, "u-none": None}
    assert sorted(tuple(r) for r in rows) == [
        ("u-counter", 1, "hall_terminal", "acceptance", ""),
        ("u-web", 4, "qr_code", "settlement", "慢"),
    ]
    assert web == 4
    engine.dispose()
