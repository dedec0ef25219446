"""The back office's list over real HTTP (uvicorn on loopback): keyset pages walked by their
links hold every application exactly once, stay put when new applications arrive, keep
their filters, and every bad filter value or paging link gets a message in zh and en."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import insert, select

from bench.gen_portal import fill
from portal.db import Database
from portal.pages import staff
from portal.pages.deadlines import today
from portal.pages.office_paging import PAGE_SIZE
from portal.server import BackgroundServer
from sync.receipt_numbers import display_receipt_no, new_receipt_no
from tests.portal.pages.pages_support import STAFF, STAFF_PASSWORD, plain_client
from tests.portal.pages.test_office import login

N = 130  # three pages of PAGE_SIZE (50)


@pytest.fixture
def office(portal: BackgroundServer) -> Iterator[httpx.Client]:
    """A logged-in staff browser on a portal holding N generated applications (up to
    yesterday, so what arrives during a test is the newest)."""
    fill(portal.app.state.db, N, seed=5, end=today() - timedelta(days=1), days=12)
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    with plain_client() as http:
        assert login(portal, http).status_code == 303
        yield http


def receipts(page: str) -> list[str]:
    return re.findall(r'href="/office/a/([0-9A-Z-]+)"', page)


def link(page: str, name: str) -> str | None:
    found = re.search(rf'id="{name}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def walk(portal: BackgroundServer, http: httpx.Client, url: str) -> list[list[str]]:
    """Every page from `url` on, following "older" links."""
    pages: list[list[str]] = []
    next_url: str | None = url
    while next_url:
        reply = http.get(portal.url + next_url)
        assert reply.status_code == 200, reply.text
        pages.append(receipts(reply.text))
        next_url = link(reply.text, "older")
        assert len(pages) < 20
    return pages


def newest_first(db: Database, **where: str) -> list[str]:
    apps = db.t("applications")
    query = select(apps.c.receipt_no).order_by(apps.c.accepted_at.desc(), apps.c.uuid.desc())
    for column, value in where.items():
        query = query.where(apps.c[column] == value)
    with db.begin() as conn:
        return [display_receipt_no(r) for r in conn.scalars(query)]


def test_pages_hold_every_application_once_newest_first(
    portal: BackgroundServer, office: httpx.Client
) -> None:
    pages = walk(portal, office, "/office")
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, N - 2 * PAGE_SIZE]
    assert [r for p in pages for r in p] == newest_first(portal.app.state.db)
    first = office.get(portal.url + "/office").text
    assert link(first, "newer") is None  # page one has no newer page


def _arrive(db: Database, count: int) -> list[str]:
    """`count` new applications accepted now (a terminal pushing while staff page)."""
    apps = db.t("applications")
    with db.begin() as conn:
        row = dict(conn.execute(select(apps).limit(1)).mappings().one())
        made = []
        for i in range(count):
            at = (datetime.now(UTC) + timedelta(seconds=i)).isoformat(timespec="microseconds")
            no = new_receipt_no(today(), "ZZZZ", 900 + i)
            conn.execute(insert(apps).values(
                row | {"uuid": f"new-{i:08d}", "receipt_no": no, "accepted_at": at}))  # fmt: skip
            made.append(display_receipt_no(no))
    return made


def test_pages_stay_put_when_applications_arrive(
    portal: BackgroundServer, office: httpx.Client
) -> None:
    one = office.get(portal.url + "/office").text
    to_two = link(one, "older")
    assert to_two is not None
    two = office.get(portal.url + to_two).text
    new = _arrive(portal.app.state.db, 7)
    again = office.get(portal.url + to_two).text
    assert receipts(again) == receipts(two)  # same link, same page
    back = link(again, "newer")
    assert back is not None
    assert receipts(office.get(portal.url + back).text) == receipts(one)  # page one as read
    fresh = receipts(office.get(portal.url + "/office").text)
    assert fresh[:7] == list(reversed(new))  # the new ones lead a fresh page one


def test_filters_hold_across_pages(portal: BackgroundServer, office: httpx.Client) -> None:
    db = portal.app.state.db
    hall = newest_first_hall(db)
    pages = walk(portal, office, f"/office?hall={hall}&window=")
    assert [r for p in pages for r in p] == newest_first(db, hall=hall)
    window_pages = walk(portal, office, "/office?window=3")
    assert [r for p in window_pages for r in p] == newest_first(db, window="3")
    item = walk(portal, office, "/office?item=GEN-000&status=received")
    assert [r for p in item for r in p] == newest_first(
        db, service_code="GEN-000", status="received"
    )


def newest_first_hall(db: Database) -> str:
    apps = db.t("applications")
    with db.begin() as conn:
        return str(conn.scalar(select(apps.c.hall).order_by(apps.c.accepted_at.desc()).limit(1)))


def test_date_range_and_receipt_number(portal: BackgroundServer, office: httpx.Client) -> None:
    day = today() - timedelta(days=3)
    shown = receipts(office.get(portal.url + f"/office?from={day}&to={day}").text)
    everything = [r for p in walk(portal, office, "/office") for r in p]
    assert shown and set(shown) < set(everything)
    assert all(_day_of(r) == day for r in shown)  # a receipt number's first 3 are its day
    wanted = everything[77]
    typed = wanted.replace("-", "").lower()  # as someone types it
    assert receipts(office.get(portal.url + f"/office?receipt={typed}").text) == [wanted]


def _day_of(receipt: str) -> date:
    from sync.receipt_numbers import receipt_day

    return receipt_day(receipt)


def test_overdue_only_pages_show_only_overdue(
    portal: BackgroundServer, office: httpx.Client
) -> None:
    first = office.get(portal.url + "/office?overdue=1").text
    assert receipts(first) and first.count('class="overdue"') == len(receipts(first))


BAD = [
    ("status=shipped", "状态不在可选范围内", "Unknown status: choose one from the list"),
    ("from=2026-13-01", "日期格式应为 YYYY-MM-DD", "Dates are YYYY-MM-DD"),
    ("from=2026-12-01&to=2026-11-01", "起始日期不应晚于结束日期", "The first date must not be"),
    ("receipt=12345", "受理编号应为 11 位", "A receipt number has 11 characters"),
    ("after=not-a-cursor", "翻页链接无效", "The page link is not valid"),
    ("before=" + "QQ" * 20, "翻页链接无效", "The page link is not valid"),
]


@pytest.mark.parametrize(("query", "zh", "en"), BAD)
def test_bad_filters_are_named_in_both_languages(
    portal: BackgroundServer, office: httpx.Client, query: str, zh: str, en: str
) -> None:
    chinese = office.get(portal.url + f"/office?{query}")
    english = office.get(portal.url + f"/office?{query}&lang=en")
    assert chinese.status_code == english.status_code == 400
    assert zh in chinese.text and en in english.text
    assert not receipts(chinese.text)


def test_mistyped_receipt_number_is_told_apart(
    portal: BackgroundServer, office: httpx.Client
) -> None:
    good = next(r for r in receipts(office.get(portal.url + "/office").text) if r[-3] != r[-1])
    compact = good.replace("-", "")
    swapped = compact[:-2] + compact[-1] + compact[-2]  # two neighbours swapped
    reply = office.get(portal.url + f"/office?receipt={swapped}&lang=en")
    assert reply.status_code == 400 and "fails its check" in reply.text


def test_keyset_pages_forward_and_back_on_both_databases(db: Database) -> None:
    """The same walk on SQLite and PostgreSQL: row comparisons order alike on both."""
    from portal.pages import office_data
    from portal.pages.office_paging import Filters

    fill(db, 2 * PAGE_SIZE + 7, seed=9, end=date(2026, 11, 30), days=5)
    now = date(2026, 12, 1)
    pages = [office_data.applications(db, Filters(), now)]
    while pages[-1].older is not None:
        pages.append(office_data.applications(db, Filters(), now, after=pages[-1].older))
    walked = [x.receipt_no for p in pages for x in p.lines]
    assert walked == newest_first(db) and len(pages) == 3
    back = office_data.applications(db, Filters(), now, before=pages[2].newer)
    assert back.lines == pages[1].lines and back.newer == pages[1].newer
