"""Open data over real HTTP: the four formats parse with standard readers, the numbers are
right, and no personal data is in any of them."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import openpyxl
import pytest

from counter_app.terminal import Terminal
from portal import services
from portal.pages import ratings
from portal.pages.tracking import lookup
from portal.server import BackgroundServer
from sync.engine import SyncReport
from sync.opendata_columns import COLUMNS
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import PERSON, PERSONAL, Clock, code_of, plain_client

Sync = Callable[[], SyncReport]
OTHER = {"kind": "person", "id_no": "360102198506151233", "name": "李四", "phone": "13900139000"}


@pytest.fixture
def history(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, clock: Clock
) -> dict[str, Any]:
    """Three applications: one taken 20 days ago and still open (overdue), one settled and
    rated 非常满意 today, one voided at the counter (counts nowhere)."""
    now = clock.at
    clock.at = now - timedelta(days=20)
    late = take("迟店", OTHER)
    clock.at = now
    done = take("快店")
    void = take("废店")
    terminal.intake.void(void.receipt_no, "录入错误", _supervisor(terminal))
    sync()
    db = portal.app.state.db
    services.set_status(db, done.receipt_no, "approved")
    tracking = lookup(db, done.receipt_no, code_of(terminal, done.receipt_no))
    assert tracking is not None
    ratings.rate(db, tracking, 1, "谢谢王小明的窗口")  # 非常满意, GB/T 39046 code 1
    return {"late": late, "done": done, "today": terminal.today()}


def _supervisor(terminal: Terminal) -> Any:
    from counter_app import clerks

    admin = clerks.authenticate(terminal.store, "A001", "counter-pass-1")
    return admin


def fetch(portal: BackgroundServer, fmt: str, **params: str) -> bytes:
    query = "&".join(f"{k}={v}" for k, v in ({"format": fmt} | params).items())
    with plain_client() as http:
        reply = http.get(f"{portal.url}/open/stats?{query}")
    assert reply.status_code == 200, reply.text
    return reply.content


def parse(fmt: str, body: bytes) -> list[dict[str, str]]:
    """Rows as text, whatever the format (None/empty cells as "")."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    if fmt == "json":
        doc = json.loads(body)
        assert doc["columns"] == list(COLUMNS) and "GB/T 39046" in doc["codes"]
        return [{k: "" if v is None else str(v) for k, v in r.items()} for r in doc["rows"]]
    if fmt == "xml":
        root = ET.fromstring(body)
        assert "1 非常满意" in root.attrib["codes"]
        return [{el.tag: el.text or "" for el in row} for row in root.iter("row")]
    book = openpyxl.load_workbook(io.BytesIO(body))
    notes = [list(r) for r in book["columns"].iter_rows(values_only=True)]
    assert any(r[0] == "codes" and "GB/T 39046" in str(r[1]) for r in notes)
    sheet = book["stats"]
    head, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(head) == COLUMNS
    return [{h: "" if v is None else str(v) for h, v in zip(head, r, strict=True)} for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "json", "xml", "xlsx"])
def test_every_format_parses_with_the_right_numbers_and_no_personal_data(
    portal: BackgroundServer, history: dict[str, Any], fmt: str
) -> None:
    start = (history["today"] - timedelta(days=25)).isoformat()
    body = fetch(portal, fmt, **{"from": start, "to": history["today"].isoformat()})
    rows = parse(fmt, body)
    assert [list(r) for r in rows] == [list(COLUMNS)] * 2
    old, new = rows
    assert old["date"] < new["date"] == history["today"].isoformat()
    assert (old["received"], old["settled"], old["overdue"], old["ratings"]) == ("1", "0", "1", "0")
    assert (new["received"], new["settled"], new["settled_on_time"]) == ("1", "1", "1")
    assert (new["avg_working_days"], new["ratings"], new["code_1"], new["code_5"]) == (
        "0",
        "1",
        "1",  # the standard code, not five stars
        "0",
    )
    rates = (new["satisfaction_rate"], new["rating_rate"], old["rating_rate"])
    assert [float(x) for x in rates] == [1.0, 1.0, 0.0]
    assert new["item_name"] == "个体工商户设立登记" and new["hall"] == "南昌市民中心"
    text = body.decode("utf-8", errors="ignore") if fmt != "xlsx" else str(rows)
    for secret in (*PERSONAL, OTHER["name"], OTHER["id_no"], OTHER["phone"], "快店", "谢谢"):
        assert secret not in text, secret


def test_month_period_and_filters(portal: BackgroundServer, history: dict[str, Any]) -> None:
    today = history["today"]
    span = {"from": (today - timedelta(days=25)).isoformat(), "to": today.isoformat()}
    months = parse("json", fetch(portal, "json", period="month", **span))
    assert sum(int(r["received"]) for r in months) == 2
    assert all(len(r["date"]) == 7 for r in months)
    assert parse("json", fetch(portal, "json", hall="别处", **span)) == []
    assert parse("json", fetch(portal, "json", item="OTHER-1", **span)) == []
    english = parse("csv", fetch(portal, "csv", lang="en", **span))
    assert english[0]["item_name"] == "Registration of an individual business"


def test_default_range_is_the_last_30_days(
    portal: BackgroundServer, history: dict[str, Any]
) -> None:
    rows = parse("json", fetch(portal, "json"))
    assert sum(int(r["received"]) for r in rows) == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("format=pdf", "format must be"),
        ("period=week", "period must be"),
        ("from=2026-13-01", "YYYY-MM-DD"),
        ("from=2026-02-01&to=2026-01-01", "must not be after"),
        ("from=2020-01-01&to=2026-01-01", "at most"),
    ],
)
def test_bad_parameters_get_a_clear_400(portal: BackgroundServer, query: str, message: str) -> None:
    with plain_client() as http:
        reply = http.get(f"{portal.url}/open/stats?{query}")
    assert reply.status_code == 400
    assert message in reply.json()["message"]["en"]


def test_an_empty_period_is_a_header_only_file(portal: BackgroundServer) -> None:
    body = fetch(portal, "csv", **{"from": "2025-01-01", "to": "2025-01-31"})
    assert body.decode("utf-8").strip() == ",".join(COLUMNS)
    assert PERSON["name"] not in body.decode("utf-8")
