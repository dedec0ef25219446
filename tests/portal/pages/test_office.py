"""The back office over real HTTP: login, CSRF, filters, materials, status moves that reach
the terminal by sync, item time limits and the overdue flag."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest

from counter_app.store.submissions import load_submission
from counter_app.terminal import Terminal
from portal.pages import staff
from portal.pages.deadlines import item_limits
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import (
    STAFF,
    STAFF_PASSWORD,
    Clock,
    csrf_of,
    pdf,
    plain_client,
    tracking_path,
)

Sync = Callable[[], SyncReport]


def login(
    portal: BackgroundServer, http: httpx.Client, password: str = STAFF_PASSWORD
) -> httpx.Response:
    form = http.get(portal.url + "/office/login")
    data = {"username": STAFF, "password": password, "csrf": csrf_of(form.text)}
    return http.post(portal.url + "/office/login", data=data)


@pytest.fixture
def office(portal: BackgroundServer) -> Iterator[httpx.Client]:
    """A logged-in staff browser (cookies kept)."""
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    with plain_client() as http:
        assert login(portal, http).status_code == 303
        yield http


def test_pages_need_a_login(portal: BackgroundServer) -> None:
    with plain_client() as http:
        for path in ("/office", "/office/a/X", "/office/limits", "/office/files/" + "a" * 64):
            reply = http.get(portal.url + path)
            assert reply.status_code == 303 and reply.headers["location"] == "/office/login"


def test_wrong_password_and_unknown_user_get_one_message(portal: BackgroundServer) -> None:
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    with plain_client() as http:
        wrong = login(portal, http, "not-the-password")
        assert wrong.status_code == 200 and "用户名或密码错误" in wrong.text
        assert staff.SESSION_COOKIE not in http.cookies
        form = http.get(portal.url + "/office/login")
        data = {"username": "nobody", "password": "x" * 12, "csrf": csrf_of(form.text)}
        assert "用户名或密码错误" in http.post(portal.url + "/office/login", data=data).text


def test_login_without_its_csrf_token_is_refused(portal: BackgroundServer) -> None:
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    with plain_client() as http:
        http.get(portal.url + "/office/login")
        data = {"username": STAFF, "password": STAFF_PASSWORD, "csrf": "0" * 64}
        reply = http.post(portal.url + "/office/login", data=data)
    assert reply.status_code == 200 and "表单已过期" in reply.text


def test_session_cookie_is_httponly_and_samesite(portal: BackgroundServer) -> None:
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    with plain_client() as http:
        reply = login(portal, http)
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/office" in cookie


def test_status_set_in_the_back_office_reaches_the_terminal_and_the_tracking_page(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, office: httpx.Client
) -> None:
    result = take()
    sync()
    detail = office.get(f"{portal.url}/office/a/{result.receipt_no}")
    assert detail.status_code == 200
    assert "王小明" in detail.text and "老王面馆" in detail.text  # staff do see the applicant
    note = "请补交经营场所证明"
    data = {"status": "supplement_needed", "note": note, "csrf": csrf_of(detail.text)}
    moved = office.post(f"{portal.url}/office/a/{result.receipt_no}/status", data=data)
    assert moved.status_code == 303
    assert "需补正材料" in office.get(portal.url + moved.headers["location"]).text

    report = sync()
    assert (result.receipt_no, "supplement_needed") in report.statuses_pulled
    sub = load_submission(terminal.store, result.receipt_no)
    assert sub.status == "supplement_needed"
    with plain_client() as citizen:
        page = citizen.get(portal.url + tracking_path(terminal, result.receipt_no)).text
    assert "需补正材料" in page and note in page


def test_status_post_without_csrf_changes_nothing(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, office: httpx.Client
) -> None:
    result = take()
    sync()
    data = {"status": "approved", "note": "", "csrf": "f" * 64}
    reply = office.post(f"{portal.url}/office/a/{result.receipt_no}/status", data=data)
    assert reply.status_code == 200 and "表单已过期" in reply.text
    assert sync().statuses_pulled == []


def test_counter_only_status_is_refused_with_its_reason(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, office: httpx.Client
) -> None:
    result = take()
    sync()
    page = office.get(f"{portal.url}/office/a/{result.receipt_no}").text
    data = {"status": "voided", "note": "", "csrf": csrf_of(page)}
    reply = office.post(f"{portal.url}/office/a/{result.receipt_no}/status", data=data)
    assert "只能在窗口设置" in reply.text


def test_unknown_receipt_in_the_back_office(portal: BackgroundServer, office: httpx.Client) -> None:
    reply = office.get(f"{portal.url}/office/a/000-0000-000-0")
    assert reply.status_code == 404 and "没有受理编号" in reply.text


def test_material_download_is_the_uploaded_file(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, office: httpx.Client
) -> None:
    result = take("面馆甲")
    sync()
    page = office.get(f"{portal.url}/office/a/{result.receipt_no}").text
    sha = load_submission(terminal.store, result.receipt_no).materials[0].sha256
    assert f"/office/files/{sha}" in page
    reply = office.get(f"{portal.url}/office/files/{sha}")
    assert reply.status_code == 200 and reply.content == pdf("面馆甲")
    assert "attachment" in reply.headers["content-disposition"]
    assert ".pdf" in reply.headers["content-disposition"]
    assert office.get(f"{portal.url}/office/files/{'0' * 64}").status_code == 404


def test_filters_and_overdue_stand_out(
    portal: BackgroundServer,
    terminal: Terminal,
    take: Take,
    sync: Sync,
    office: httpx.Client,
    clock: Clock,
) -> None:
    now = clock.at
    clock.at = now - timedelta(days=30)
    old = take("旧店")
    clock.at = now
    new = take("新店")
    sync()
    listing = office.get(portal.url + "/office").text
    assert old.receipt_no[:3] in listing and "逾期" in listing
    overdue = office.get(portal.url + "/office?overdue=1").text
    assert _shown(old.receipt_no, overdue) and not _shown(new.receipt_no, overdue)
    hall = office.get(portal.url + "/office?hall=别的大厅").text
    assert not _shown(old.receipt_no, hall) and "没有符合条件的申请" in hall
    assert _shown(new.receipt_no, office.get(portal.url + "/office?item=PAGE-001").text)
    assert not _shown(new.receipt_no, office.get(portal.url + "/office?status=approved").text)


def _shown(receipt_no: str, page: str) -> bool:
    grouped = "-".join([receipt_no[:3], receipt_no[3:7], receipt_no[7:10], receipt_no[10:]])
    return grouped in page


def test_item_limit_moves_the_promised_date(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, office: httpx.Client
) -> None:
    result = take()
    sync()
    page = office.get(portal.url + "/office/limits").text
    data = {"service_code": "PAGE-001", "days": "1", "csrf": csrf_of(page)}
    assert office.post(portal.url + "/office/limits", data=data).status_code == 303
    from forms.workdays import add_working_days

    promised = add_working_days(terminal.today(), 1).isoformat()
    assert promised in office.get(f"{portal.url}/office/a/{result.receipt_no}").text
    with plain_client() as citizen:
        assert promised in citizen.get(portal.url + tracking_path(terminal, result.receipt_no)).text
    bad = office.post(portal.url + "/office/limits", data=data | {"days": "zero"})
    assert "整数" in bad.text
    bad = office.post(portal.url + "/office/limits", data=data | {"days": "0"})
    assert "1 到 365" in bad.text


def test_disabling_a_user_ends_their_session(
    portal: BackgroundServer, office: httpx.Client
) -> None:
    assert office.get(portal.url + "/office").status_code == 200
    staff.disable_staff(portal.app.state.db, STAFF)
    assert office.get(portal.url + "/office").status_code == 303


def test_logout(portal: BackgroundServer, office: httpx.Client) -> None:
    page = office.get(portal.url + "/office").text
    office.post(portal.url + "/office/logout", data={"csrf": csrf_of(page)})
    assert office.get(portal.url + "/office").status_code == 303


def test_login_attempts_are_rate_limited(
    portal: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.pages import office
    from portal.pages.ratelimit import Limit

    monkeypatch.setattr(office, "LOGIN_LIMIT", Limit(hits=2, window=300))
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    with plain_client() as http:
        assert "用户名或密码错误" in login(portal, http, "guess-number-1").text
        assert "用户名或密码错误" in login(portal, http, "guess-number-2").text
        blocked = login(portal, http)  # the right password, but the budget is spent
        assert blocked.status_code == 200 and staff.SESSION_COOKIE not in http.cookies


def test_limit_form_without_csrf_changes_nothing(
    portal: BackgroundServer, office: httpx.Client
) -> None:
    data = {"service_code": "PAGE-001", "days": "3", "csrf": "0" * 64}
    reply = office.post(portal.url + "/office/limits", data=data)
    assert "表单已过期" in reply.text
    db = portal.app.state.db
    with db.begin() as conn:
        assert item_limits(conn, db) == {}


def test_logout_without_csrf_keeps_the_session(
    portal: BackgroundServer, office: httpx.Client
) -> None:
    office.post(portal.url + "/office/logout", data={"csrf": "0" * 64})
    assert office.get(portal.url + "/office").status_code == 200


def test_english_back_office(portal: BackgroundServer, office: httpx.Client) -> None:
    page = office.get(portal.url + "/office?lang=en").text
    assert "Overdue only" in page and "No applications match." in page
