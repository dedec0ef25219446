"""`/open/stats/age` over real HTTP: the age report of the platform's applications in all
four formats, the figures as the counter took and the back office settled them, no
personal data, and bad parameters refused in words."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime

import openpyxl
import pytest

from portal import services
from portal.server import BackgroundServer
from sync.age_report import AGE_COLUMNS
from sync.engine import SyncReport
from sync.hall_time import portal_zone
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import PERSONAL, Clock, plain_client

Sync = Callable[[], SyncReport]


def _get(portal: BackgroundServer, query: str) -> bytes:
    with plain_client() as http:
        reply = http.get(f"{portal.url}/open/stats/age?{query}")
    assert reply.status_code == 200, reply.text
    return reply.content


def test_every_format_carries_the_same_figures_and_no_personal_data(
    portal: BackgroundServer, clock: Clock, take: Take, sync: Sync
) -> None:
    clock.at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    first, second, _third = take("甲"), take("乙"), take("丙")
    sync()
    services.set_status(portal.app.state.db, first.receipt_no, "approved")  # settled today
    services.set_status(portal.app.state.db, second.receipt_no, "under_review")
    today = datetime.now(portal_zone()).date().isoformat()  # the hall's day, not the machine's
    query = f"from=2026-03-01&to={today}&by=item"
    body = json.loads(_get(portal, query + "&format=json"))
    (row,) = body["rows"]
    assert body["columns"] == list(AGE_COLUMNS) and row["group"] == "PAGE-001"
    assert row["received"] == 3 and row["settled"] == 1 and row["settled_on_time"] == 0
    assert row["overdue"] == 3  # promised 9 March: one settled late, two still open
    assert sum(row[c] for c in ("open_le5", "open_6_20", "open_21_30", "open_gt30")) == 2
    lines = list(csv.reader(io.StringIO(_get(portal, query + "&format=csv").decode())))
    assert lines[0] == list(AGE_COLUMNS) and lines[1][3] == "3"
    xml_row = ET.fromstring(_get(portal, query + "&format=xml")).find("row")
    assert xml_row is not None and xml_row.findtext("settled") == "1"
    book = openpyxl.load_workbook(io.BytesIO(_get(portal, query + "&format=xlsx")))
    assert [c.value for c in next(book["age"].iter_rows(max_row=1))] == list(AGE_COLUMNS)
    for fmt in ("json", "csv", "xml"):
        text = _get(portal, f"{query}&format={fmt}").decode()
        assert not any(p in text for p in PERSONAL)


@pytest.mark.parametrize(
    ("query", "message"),
    [("format=pdf", "format must be"), ("by=window", "by must be all"),
     ("from=2026-13-01", "Dates are YYYY-MM-DD")],
)  # fmt: skip
def test_bad_parameters_get_a_clear_400(portal: BackgroundServer, query: str, message: str) -> None:
    with plain_client() as http:
        reply = http.get(f"{portal.url}/open/stats/age?{query}", headers={"Accept-Language": "en"})
    assert reply.status_code == 400 and message in reply.text


def test_the_back_office_shows_the_age_report_to_staff_only(
    portal: BackgroundServer, clock: Clock, take: Take, sync: Sync
) -> None:
    from portal.pages import staff
    from tests.portal.pages.pages_support import STAFF, STAFF_PASSWORD, csrf_of

    clock.at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    take("甲")
    sync()
    with plain_client() as http:
        reply = http.get(f"{portal.url}/office/age")
        assert (reply.status_code, reply.headers["location"]) == (303, "/office/login")
        staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
        form = http.get(portal.url + "/office/login")
        data = {"username": STAFF, "password": STAFF_PASSWORD, "csrf": csrf_of(form.text)}
        assert http.post(portal.url + "/office/login", data=data).status_code == 303
        page = http.get(f"{portal.url}/office/age?from=2026-03-01&by=item").text
        assert 'id="age"' in page and "<td>PAGE-001</td><td>1</td>" in page
        assert "分组应为" in http.get(f"{portal.url}/office/age?by=window").text
