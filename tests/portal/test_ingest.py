"""A push batch stored as a set (`portal.ingest`) answers exactly as row-by-row storing did,
also when the batch itself holds the same application twice, two applications with one
receipt number, or an application and its next revision; on both engines."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.db import Database
from sync.protocol import Outcome
from tests.portal.test_services import A, app, push, rn


def _count(db: Database, table: str) -> int:
    with db.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(db.t(table))).scalar_one())


def test_a_full_batch_is_stored_once_with_its_materials_and_events(db: Database) -> None:
    batch = [app(n) for n in range(1, 101)]  # sync.protocol.MAX_BATCH
    assert push(db, A, *batch) == [Outcome.STORED] * 100
    assert push(db, A, *batch) == [Outcome.DUPLICATE] * 100
    for table in ("applications", "application_materials", "status_events"):
        assert _count(db, table) == 100, table


def test_a_batch_sees_its_own_earlier_applications(db: Database) -> None:
    same_number = app(1, uuid="uuid-other-01")
    newer = app(2, revision=2, kind="notice")
    changed = app(3, answers={"x": 1})
    outcomes = push(db, A, app(1), app(1), same_number, app(2), newer, app(2), app(3), changed)
    assert outcomes == [
        Outcome.STORED,
        Outcome.DUPLICATE,  # the same application twice in one batch
        Outcome.CONFLICT,  # another UUID under a receipt number this batch just stored
        Outcome.STORED,
        Outcome.STORED,  # the owner's next revision supersedes the one just stored
        Outcome.DUPLICATE,  # the older revision after it
        Outcome.STORED,
        Outcome.CONFLICT,  # same UUID and revision, other content
    ]
    assert _count(db, "applications") == 3 and _count(db, "conflicts") == 2
    with db.begin() as conn:
        apps = db.t("applications")
        row = conn.execute(select(apps).where(apps.c.receipt_no == rn(2))).one()
    assert (row.revision, row.kind) == (2, "notice")
    assert _count(db, "application_materials") == 3  # the replaced revision's rows went
