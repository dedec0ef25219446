"""The tracking page reads an application in one statement (`portal.pages.tracking_query`,
issue 17): on SQLite and on PostgreSQL it must show exactly what the page showed when it
read table by table (`rowwise_tracking`), for generated applications with every block the
page has — steps with staff notes, a supplement, a one-time notice's materials, clock
stops, the citizen's rating, the hall's replies, windows that reused the files, licences,
a code made before the window's PC was replaced — and for wrong codes."""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from bench.gen_portal import fill
from portal.db import Database
from portal.pages.tracking import lookup
from printing.qr_payload import tracking_code
from sync.statuses import Status
from tests.portal.pages import rowwise_tracking

END = date(2026, 11, 30)
AT = "2026-11-20T02:00:00.000000+00:00"
OLD_SECRET = bytes(range(32))


def _item(name: str, materials: dict[str, str]) -> str:
    listed = [{"code": c, "name": {"zh": n, "en": f"{n} (en)"}} for c, n in materials.items()]
    return json.dumps({"name": {"zh": name, "en": f"{name} (en)"}, "materials": listed})


def _publish(db: Database, code: str, version: int, definition: str) -> None:
    row = {"code": code, "version": version, "definition": definition, "published_at": AT}
    with db.begin() as conn:
        conn.execute(insert(db.t("catalog_items")).values(**row))


def _apps(db: Database) -> list[Any]:
    apps, terms = db.t("applications"), db.t("terminals")
    query = select(apps.c.uuid, apps.c.receipt_no, apps.c.terminal_id, apps.c.service_code)
    with db.begin() as conn:
        rows = conn.execute(query.order_by(apps.c.receipt_no)).all()
        secrets = dict(conn.execute(select(terms.c.terminal_id, terms.c.code_secret)).all())
    return [(r, base64.b64decode(secrets[r.terminal_id])) for r in rows]


def _licence(uuid: str, n: int, issued_at: str, status: str) -> dict[str, Any]:
    return {
        "licence_id": f"L{n}", "app_uuid": uuid, "hall": "H", "service_code": "GEN-000",
        "name": f"许可证 {n}", "number": f"N-{n}", "type_code": "T1", "holder": "某某",
        "holder_id_type": "resident_id", "holder_id_no": "11010519491231002X",
        "issuer": "某局", "issuer_code": "X1", "issued_on": "2026-11-20",
        "valid_from": "2026-11-20", "valid_until": None if n % 2 else "2031-11-19",
        "sha256": f"{n:064x}", "size": 1000 + n, "status": status, "issued_at": issued_at,
        "issued_by": "S001",
    }  # fmt: skip


def _extras(db: Database, apps: list[Any]) -> None:
    """What the generator does not make: catalog, notices, supplements, stops, ratings,
    licences, reuses, an old terminal key."""
    _publish(db, "GEN-000", 1, _item("旧名称", {"m1": "身份证"}))
    _publish(db, "GEN-000", 2, _item("营业执照", {"m1": "身份证", "m2": "照片"}))
    _publish(db, "GEN-001", 1, _item("食品许可", {"m9": "平面图"}))
    uuids = [r.uuid for r, _ in apps]
    a = db.t("applications")
    with db.begin() as conn:
        notice = [{"code": "m2"}, {"code": "m1"}, {"code": "m2"}, {"code": "zz"}]
        conn.execute(
            update(a).where(a.c.uuid.in_(uuids[0:3]))
            .values(status=Status.NOTICE_ISSUED, notice_items=json.dumps(notice),
                    service_code="GEN-000")
        )  # fmt: skip
        conn.execute(
            update(a).where(a.c.uuid.in_(uuids[3:6])).values(status=Status.SUPPLEMENT_NEEDED)
        )
        conn.execute(update(a).where(a.c.uuid.in_(uuids[6:9])).values(status=Status.APPROVED))
        events = [
            {"uuid": u, "status": Status.SUPPLEMENT_NEEDED, "note": f"请补充 {i}",
             "source": "portal", "at": AT, "recorded_at": AT}
            for i, u in enumerate(uuids[3:6])
        ] + [
            {"uuid": uuids[6], "status": Status.APPROVED, "note": "窗口备注",
             "source": "terminal", "at": AT, "recorded_at": AT},
        ]  # fmt: skip
        conn.execute(insert(db.t("status_events")), events)
        stops = [
            {"uuid": uuids[10], "kind": "extension", "reason": "延长", "days": 5,
             "started_on": "2026-11-10", "started_by": "S1", "started_at": AT},
            {"uuid": uuids[10], "kind": "hearing", "reason": "听证", "days": None,
             "started_on": "2026-11-12", "ended_on": "2026-11-18", "started_by": "S1",
             "started_at": AT},
            {"uuid": uuids[11], "kind": "testing", "reason": "检测", "days": None,
             "started_on": "2026-11-25", "started_by": "S1", "started_at": AT},
        ]  # fmt: skip
        conn.execute(insert(db.t("clock_stops")), stops)
        ratings = [{"uuid": u, "rating": 1 + i, "comment": "", "at": AT}
                   for i, u in enumerate(uuids[6:9])]  # fmt: skip
        conn.execute(insert(db.t("citizen_ratings")), ratings)
        licences = [
            _licence(uuids[6], 1, "2026-11-20T01:00:00.000000+00:00", "revoked"),
            _licence(uuids[6], 2, "2026-11-21T01:00:00.000000+00:00", "valid"),
            _licence(uuids[7], 3, "2026-11-21T01:00:00.000000+00:00", "valid"),
        ]
        conn.execute(insert(db.t("licences")), licences)
        lookup_row = {
            "terminal_id": apps[0][0].terminal_id, "hall": "某大厅", "window": "3",
            "clerk_id": "C1", "id_type": "resident_id", "id_no": "X", "application": "A",
            "consent_method": "sign", "consent_at": AT, "scope": "hall", "offered": 2, "at": AT,
        }  # fmt: skip
        for code in ("GEN-001", None, "GEN-404"):
            lid = conn.execute(
                insert(db.t("lookups")).values(**lookup_row, service_code=code)
                .returning(db.t("lookups").c.id)
            ).scalar_one()  # fmt: skip
            downloads = [
                {"lookup_id": lid, "sha256": "a" * 64, "source_uuid": uuids[0],
                 "material_code": m, "size": 10, "at": f"2026-11-2{i}T03:00:00.000000+00:00"}
                for i, m in enumerate(("m1", "m2", "unknown"))
            ]  # fmt: skip
            conn.execute(insert(db.t("lookup_downloads")), downloads)
        keys = {"terminal_id": apps[12][0].terminal_id, "public_key": "k",
                "code_secret": base64.b64encode(OLD_SECRET).decode(), "enrolled_at": AT,
                "replaced_at": AT}  # fmt: skip
        conn.execute(insert(db.t("terminal_keys")).values(**keys))


@pytest.fixture
def filled(db: Database) -> tuple[Database, list[Any]]:
    fill(db, 300, seed=5, end=END, days=30)
    apps = _apps(db)
    _extras(db, apps)
    return db, apps


def test_one_statement_shows_what_the_table_by_table_reading_showed(
    filled: tuple[Database, list[Any]],
) -> None:
    db, apps = filled
    shown: list[Any] = []
    for i, (row, secret) in enumerate(apps):
        code = tracking_code(secret, row.receipt_no)
        if i % 7 == 3:
            code = tracking_code(b"another secret", row.receipt_no)  # a wrong code
        if i == 12:
            code = tracking_code(OLD_SECRET, row.receipt_no)  # printed before the new PC
        found = lookup(db, row.receipt_no, code)
        assert found == rowwise_tracking.lookup(db, row.receipt_no, code)
        shown += [found] if found is not None else []
    assert len(shown) == len(apps) - len(range(3, len(apps), 7))
    blocks = ("steps", "stops", "replies", "reuses", "licence", "rating", "supplement", "bring")
    for block in blocks:  # every block of the page was compared, not only empty ones
        assert any(getattr(t, block) for t in shown), block
    reused = lookup(db, apps[0][0].receipt_no, tracking_code(apps[0][1], apps[0][0].receipt_no))
    assert reused is not None and len(reused.reuses) == 9 and reused.bring
    assert reused.item.zh == "营业执照"


def test_a_newly_published_version_shows_at_once(filled: tuple[Database, list[Any]]) -> None:
    """Published versions are kept per process; the newest version number is read with
    every lookup, so a new version's name shows on the next lookup."""
    db, apps = filled
    row, secret = apps[0]
    code = tracking_code(secret, row.receipt_no)
    before = lookup(db, row.receipt_no, code)
    _publish(db, "GEN-000", 3, _item("营业执照（新）", {"m1": "居民身份证", "m2": "照片"}))
    after = lookup(db, row.receipt_no, code)
    assert before is not None and after is not None
    assert (before.item.zh, after.item.zh) == ("营业执照", "营业执照（新）")
    assert after.bring[1].zh == "居民身份证"
    assert after == rowwise_tracking.lookup(db, row.receipt_no, code)
