"""Migration 30 on a platform that already holds applications: each is filed under its
applicant's normalised identifier (the lookup's index), in one statement on both databases
(a year of applications must not be updated a round trip at a time while the table is
locked)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import MetaData, Table, insert, text

from portal import migrations
from portal.db import make_engine


def _app(uuid: str, receipt: str, applicant: dict[str, object]) -> dict[str, object]:
    at = "2026-11-26T06:05:00+00:00"
    return {"uuid": uuid, "revision": 1, "receipt_no": receipt, "terminal_id": "7QXM"} | {
        "hall": "南昌市民中心", "window": "3", "clerk_id": "C001", "kind": "acceptance",
        "service_code": "PAGE-001", "service_version": 1, "accepted_at": at,
        "status": "received", "answers": "{}", "applicant": json.dumps(applicant),
        "notice_items": "[]", "rating": None, "content_hash": "0" * 64, "received_at": at,
        "updated_at": at,
    }  # fmt: skip


def test_existing_applications_are_filed_under_the_normalised_id(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:  # the platform as versions 1-20 and 101 left it
        for version, _, func in migrations.MIGRATIONS:
            if version < 30 or version == 101:
                func(conn)
        migrations._migrations.create(conn)
        now = datetime.now(UTC).isoformat()
        for version, _, _ in migrations.MIGRATIONS:
            if version < 30 or version == 101:
                conn.execute(
                    insert(migrations._migrations).values(
                        version=version, name="old", applied_at=now
                    )
                )
        apps = Table("applications", MetaData(), autoload_with=conn)
        conn.execute(
            insert(apps),
            [
                _app("u-lower", "R1", {"name": "张三", "id_no": " 36010319940618113x "}),
                _app("u-upper", "R2", {"name": "李四", "id_no": "360121195804070269"}),
                _app("u-none", "R3", {"name": "王五"}),
            ],
        )

    assert 30 in migrations.migrate(engine)

    with engine.connect() as conn:
        filed = dict(conn.execute(text("SELECT uuid, applicant_id_no FROM applications")).all())
    assert filed == {
        "u-lower": "36010319940618113X",
        "u-upper": "360121195804070269",
        "u-none": "",
    }
    engine.dispose()
