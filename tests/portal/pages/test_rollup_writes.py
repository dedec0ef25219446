"""Open data's rollup (`portal.pages.rollup`) follows every write made after it was built:
a generated platform (its rollup built once, as the migration's backfill builds it), then a
terminal's pushes, a void and a rating through `/api/v1/push`, status moves and per-item
time limits through the back office's forms, a citizen's rating through the tracking page;
after each, open data is byte-identical to the row-by-row oracle (`rowwise_stats`). On
SQLite and PostgreSQL (tests/portal/conftest.py)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import delete, select

from bench.gen_portal import fill
from forms.workdays import reset_installed
from portal import cli as portal_cli
from portal.db import Database
from portal.pages import opendata, staff
from portal.pages.cases import RatingRules
from portal.pages.deadlines import today
from portal.pages.ratelimit import Limit
from portal.pages.rollup_tables import fingerprint as rollup_fingerprint
from portal.pages.web import PageConfig
from portal.server import BackgroundServer
from portal.settings import Settings
from printing.qr_payload import tracking_code
from sync.statuses import OPEN, SETTLED
from tests.portal.pages.pages_support import STAFF, STAFF_PASSWORD, csrf_of
from tests.portal.test_app import auth, enroll
from tests.portal.test_services import app as wire_app

HALL = "政务服务中心000"
RULES = [RatingRules(), RatingRules(rectify_days=3, default_basic=True)]
BUNDLED = rollup_fingerprint()


@pytest.fixture
def server(settings: Settings, db_url: str) -> Iterator[BackgroundServer]:
    with BackgroundServer(replace(settings, db_url=db_url)) as srv:
        srv.app.state.pages = PageConfig(track_limit=Limit(1000, 600), secure_cookies=False)
        fill(srv.app.state.db, 400, seed=3, end=today(), days=40)
        yield srv


def same_as_oracle(db: Database) -> None:
    """Every query shape, both rating rules: the rollup's bytes are the oracle's."""
    from tests.portal.pages import rowwise_stats

    base = opendata.StatsQuery(today() - timedelta(days=45), today())
    month_start = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    whole_months = replace(base, start=month_start, end=today().replace(day=1) - timedelta(days=1))
    queries = [base, replace(base, period="month"), replace(base, by="window"),
               replace(base, hall=HALL), replace(base, item="GEN-001", by="window"),
               replace(whole_months, period="month"),  # month rows only
               replace(base, period="month", by="window", hall=HALL)]  # fmt: skip
    for rules in RULES:
        for q in queries:
            new = opendata.stats(db, q, rules=rules)
            old = rowwise_stats.stats(db, q, rules=rules)
            assert new, q
            assert opendata.render(new, q, "json") == opendata.render(old, q, "json"), q


def _receipts(db: Database, states: frozenset[str], n: int) -> list[str]:
    apps = db.t("applications")
    query = select(apps.c.receipt_no).where(apps.c.status.in_(sorted(states)))
    with db.begin() as conn:
        return list(conn.scalars(query.order_by(apps.c.receipt_no).limit(n)))


def _office(base: str, db: Database) -> httpx.Client:
    staff.add_staff(db, STAFF, "审核员", STAFF_PASSWORD)
    http = httpx.Client(base_url=base, trust_env=False, timeout=10)
    token = csrf_of(http.get("/office/login").text)
    form = {"username": STAFF, "password": STAFF_PASSWORD, "csrf": token}
    assert http.post("/office/login", data=form).status_code == 303
    return http


def test_status_moves_and_limits_from_the_back_office(server: BackgroundServer) -> None:
    db = server.app.state.db
    same_as_oracle(db)
    http = _office(server.url, db)
    try:
        token = csrf_of(http.get("/office/limits").text)
        for receipt in _receipts(db, OPEN, 6):  # settled today: on time or late
            form = {"status": "approved", "csrf": token, "note": ""}
            assert http.post(f"/office/a/{receipt}/status", data=form).status_code == 303
        for receipt in _receipts(db, SETTLED, 3):  # back under review: settled day stays
            form = {"status": "under_review", "csrf": token, "note": ""}
            assert http.post(f"/office/a/{receipt}/status", data=form).status_code == 303
        same_as_oracle(db)
        for code, days in (("GEN-001", "3"), ("GEN-000", "8")):  # a new limit, one changed
            form = {"service_code": code, "days": days, "csrf": token}
            assert http.post("/office/limits", data=form).status_code == 303
    finally:
        http.close()
    same_as_oracle(db)


def test_pushes_voids_and_ratings_from_a_terminal(server: BackgroundServer) -> None:
    db = server.app.state.db
    api = httpx.Client(base_url=server.url + "/api/v1", trust_env=False, timeout=10)
    token = enroll(server, api, hall=HALL)
    at = datetime.now(UTC) - timedelta(days=3)
    due = (today() - timedelta(days=1)).isoformat()  # overdue while open
    fields = {"hall": HALL, "terminal": "7QXM", "accepted_at": at.isoformat(), "due_date": due}
    fields |= {"materials": {}, "service_code": "GEN-002"}
    apps = [wire_app(n, **fields) for n in (1, 2, 3)]
    body = {"applications": [a.model_dump(mode="json") for a in apps]}
    reply = api.post("/push", json=body, headers=auth(token)).json()
    assert [r["outcome"] for r in reply["results"]] == ["stored"] * 3
    same_as_oracle(db)
    now = datetime.now(UTC).isoformat()
    body = {
        "events": [{"event_id": "void-1", "uuid": apps[0].uuid, "status": "voided",
                    "note": "写错了", "at": now}],
        "ratings": [{"event_id": "rate-2", "uuid": apps[1].uuid, "code": 5, "at": now}],
    }  # fmt: skip
    reply = api.post("/push", json=body, headers=auth(token)).json()
    assert [r["outcome"] for r in reply["event_results"]] == ["stored", "stored"]
    same_as_oracle(db)
    api.close()


def test_a_citizens_rating_on_the_tracking_page(server: BackgroundServer) -> None:
    db = server.app.state.db
    apps, terms, rated = db.t("applications"), db.t("terminals"), db.t("ratings")
    query = (
        select(apps.c.receipt_no, terms.c.code_secret)
        .join(terms, terms.c.terminal_id == apps.c.terminal_id)
        .where(apps.c.status.in_(sorted(SETTLED)), apps.c.uuid.not_in(select(rated.c.app_uuid)))
        .order_by(apps.c.accepted_at.desc())
    )
    with db.begin() as conn:
        receipt, secret = conn.execute(query).first()  # settled lately, not rated
    code = tracking_code(base64.b64decode(secret), receipt)
    with httpx.Client(base_url=server.url, trust_env=False, timeout=10) as http:
        reply = http.post(f"/t/{receipt}/rate", data={"c": code, "rating": "5"})
    assert reply.status_code == 303, reply.text
    with db.begin() as conn:
        assert conn.execute(select(rated.c.code).where(rated.c.app_uuid.isnot(None))).first()
    same_as_oracle(db)


def test_a_published_calendar_recounts_the_rollup(
    server: BackgroundServer, db_url: str, tmp_path: Path
) -> None:
    """`portal publish-calendar` with a holiday the bundled calendar does not have: the
    working days taken and promised dates move, and the rollup with them."""
    db = server.app.state.db
    year = today().year
    extra = sorted({today() - timedelta(days=d) for d in range(3, 20)})
    weekdays = [d.isoformat() for d in extra if d.weekday() < 5][:4]
    assert weekdays
    entry = {"holidays": weekdays, "workdays": [], "source": "test"}
    path = tmp_path / "calendar.yaml"
    path.write_text(yaml.safe_dump({year: entry}), encoding="utf-8")
    try:
        assert portal_cli.main(["publish-calendar", str(path), "--db", db_url]) == 0
        assert rollup_fingerprint() != BUNDLED
        same_as_oracle(db)
    finally:
        reset_installed()


def test_stats_rebuild_counts_rows_loaded_beside_the_write_paths(db: Database) -> None:
    """Rows copied in by hand (as `bench.gen_portal` does by COPY) are not in the rollup
    until `portal stats-rebuild` counts them."""
    from portal.pages import rollup_tables

    fill(db, 150, seed=4, end=today(), days=20)
    with db.begin() as conn:
        conn.execute(delete(rollup_tables.cells))
    q = opendata.StatsQuery(today() - timedelta(days=25), today())
    assert sum(r["received"] for r in opendata.stats(db, q)) == 0
    url = db.engine.url.render_as_string(hide_password=False)
    assert portal_cli.main(["stats-rebuild", "--db", url]) == 0
    same_as_oracle(db)


def _open_cases(db: Database, n: int) -> list[int]:
    cases = db.t("bad_cases")
    query = select(cases.c.id).where(cases.c.replied_at.is_(None)).order_by(cases.c.id).limit(n)
    with db.begin() as conn:
        return list(conn.scalars(query))


def test_a_bad_case_worked_to_its_reply_in_the_back_office(server: BackgroundServer) -> None:
    """The reply closes the case: open data's 差评 figures move the moment it is posted."""
    db = server.app.state.db
    before = opendata.stats(db, opendata.StatsQuery(today() - timedelta(days=45), today()))
    http = _office(server.url, db)
    try:
        for case_id in _open_cases(db, 3):
            steps = [("classify", {"category": "attitude"}), ("callback", {"text": "已回访"}),
                     ("fix", {"text": "已整改"}), ("reply", {"text": "已答复"})]  # fmt: skip
            for step, form in steps:
                token = csrf_of(http.get(f"/office/cases/{case_id}").text)
                posted = http.post(f"/office/cases/{case_id}/{step}", data=form | {"csrf": token})
                assert posted.status_code == 303, posted.text
    finally:
        http.close()
    after = opendata.stats(db, opendata.StatsQuery(today() - timedelta(days=45), today()))
    assert before != after  # the replies changed what is published
    same_as_oracle(db)


def test_a_platform_started_with_other_rectify_days_recounts_the_cases(
    server: BackgroundServer,
    settings: Settings,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """PORTAL_RECTIFY_DAYS=3 at start: the rollup's cases are counted with 3 working days
    (kept in stats_meta), so open data reads them from the rollup, and right; the log says
    why the start took longer, and that app servers must agree (a second start with 3 does
    not recount, nor warn)."""
    from portal.pages import rollup

    db = server.app.state.db
    monkeypatch.setenv("PORTAL_RECTIFY_DAYS", "3")
    with caplog.at_level(logging.WARNING, logger="portal.pages.rollup"):
        with (
            BackgroundServer(replace(settings, db_url=db_url)) as other,
            other.app.state.db.begin() as conn,
        ):
            assert rollup.stored_days(conn) == 3
        warned = caplog.text
        caplog.clear()
        with BackgroundServer(replace(settings, db_url=db_url)):
            pass
    assert "PORTAL_RECTIFY_DAYS is 3, but" in warned and "counted with 5" in warned
    assert "Every app server" in warned and "cases recounted with 3 working days" in warned
    assert "PORTAL_RECTIFY_DAYS" not in caplog.text
    same_as_oracle(db)  # rules(3) from the rollup, the default rules counted live


def test_migration_92_sums_the_months_from_the_days(db: Database) -> None:
    """A rollup made before months were kept gets them from its day rows."""
    from portal.pages import rollup_tables
    from portal.scale_schema import v92_rollup_months

    fill(db, 150, seed=5, end=today(), days=70)
    c = rollup_tables.cells.c
    last_month_end = today().replace(day=1) - timedelta(days=1)
    q = opendata.StatsQuery(last_month_end.replace(day=1), last_month_end, period="month")
    counted = opendata.stats(db, q)
    assert counted
    with db.begin() as conn:
        conn.execute(delete(rollup_tables.cells).where(c.whole >= rollup_tables.MONTH_PER_WINDOW))
    assert opendata.stats(db, q) == []  # a whole month is read from its month rows alone
    with db.begin() as conn:
        v92_rollup_months(conn)
    assert opendata.stats(db, q) == counted
    same_as_oracle(db)
