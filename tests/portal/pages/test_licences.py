"""Settling an application with a result (电子证照, issue 16), through the back office's form on
a real portal (SQLite and PostgreSQL): the licence is recorded with its GB/T 36902 catalog
data, its document kept in the material store, the status reaches the owning terminal; bad
input is told in zh and en and records nothing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from counter_app import clerks
from counter_app.terminal import Terminal
from portal.pages.deadlines import today
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages.conftest import Take
from tests.portal.pages.licence_support import licence_office, licence_portal, pdf_text, settle
from tests.portal.pages.pages_support import PASSWORD, PERSON, csrf_of, pdf

Sync = Callable[[], SyncReport]
FIXTURES = (licence_portal, licence_office)  # `portal` on both engines, `office_http`


def supervisor(terminal: Terminal) -> clerks.Session:
    return clerks.authenticate(terminal.store, "A001", PASSWORD)


def _number(html: str) -> str:
    found = re.search(r'id="licence-number">([^<]+)<', html)
    assert found, "no licence shown"
    return found.group(1)


def _sha(html: str) -> str:
    found = re.search(r'href="/office/files/([0-9a-f]{64})">PDF<', html)
    assert found, "no result document linked"
    return found.group(1)


def test_a_settled_application_gets_a_generated_licence_and_the_terminal_the_status(
    office_http: httpx.Client, take: Take, sync: Sync, terminal: Terminal, tmp_path: Path
) -> None:
    no = take().display_no
    sync()
    form = office_http.get(f"/office/a/{no}").text
    assert 'value="营业执照"' in form and 'value="YYZZ"' in form  # the item's licence type
    assert f'value="{PERSON["id_no"]}" readonly' in form  # the holder is the applicant
    reply = settle(office_http, no, note="请携带身份证领取纸质执照。")
    assert reply.status_code == 303, reply.text
    page = office_http.get(f"/office/a/{no}").text
    number = _number(page)
    assert re.fullmatch(r"YYZZ\d{14}", number)  # blank: type code + issue day + 6 digits
    assert 'id="licence-state">有效' in page and 'id="status">已批准' in page
    document = office_http.get(f"/office/files/{_sha(page)}")
    assert hashlib.sha256(document.content).hexdigest() == _sha(page)
    text = pdf_text(document.content, tmp_path)
    for shown in ("营业执照", number, PERSON["name"], PERSON["id_no"], "市场监督管理局"):
        assert shown in text
    assert "长期" in text  # no end date given
    sync()
    assert terminal.intake.get(no.replace("-", "")).status == "approved"


def test_an_uploaded_result_pdf_is_kept_byte_for_byte_with_the_typed_number(
    office_http: httpx.Client, take: Take, sync: Sync
) -> None:
    no = take().display_no
    sync()
    scan = pdf("营业执照正本扫描件", 30_000)
    until = (today() + timedelta(days=3650)).isoformat()
    reply = settle(office_http, no, scan, number="92360100MA35XXXX1Y", valid_until=until)
    assert reply.status_code == 303, reply.text
    page = office_http.get(f"/office/a/{no}").text
    assert _number(page) == "92360100MA35XXXX1Y" and until in page
    assert office_http.get(f"/office/files/{_sha(page)}").content == scan


@pytest.mark.parametrize(
    ("changes", "zh", "en"),
    [
        (
            {"valid_from": "2026-02-30"},
            "有效期起始日期应为有效日期",
            "valid from must be a real date",
        ),
        ({"valid_until": "2001-01-01"}, "有效期截止日期早于起始日期", "ends before it starts"),
        ({"holder_id_no": "110101199003074578"}, "持证主体应为本申请的申请人", "holder must be"),
        ({"name": " ", "issuer": ""}, "请填写证照名称。；请填写发证机构。", "fill in the issuing"),
        ({"type_code": "营业执照"}, "证照类型代码只能含", "letters, digits"),
        ({"status": "rejected"}, "状态应为已批准", "approved, ready for pickup or delivered"),
    ],
)
def test_bad_licence_input_is_told_in_both_languages_and_records_nothing(
    office_http: httpx.Client, take: Take, sync: Sync, changes: dict[str, str], zh: str, en: str
) -> None:
    no = take().display_no
    sync()
    reply = settle(office_http, no, **changes)
    assert reply.status_code == 400 and zh in reply.text
    assert 'id="licence-error"' in reply.text
    for key, value in changes.items():  # what was typed comes back
        if key != "status" and value.strip():
            assert f'value="{value}"' in reply.text
    assert en in settle(office_http, no, lang="en", **changes).text
    page = office_http.get(f"/office/a/{no}").text
    assert 'id="licence-number"' not in page and 'id="status">已受理' in page


def test_a_file_that_is_not_a_pdf_is_refused(
    office_http: httpx.Client, take: Take, sync: Sync
) -> None:
    no = take().display_no
    sync()
    reply = settle(office_http, no, b"MZ\x90\x00 not a pdf")
    assert reply.status_code == 400 and "结果文件应为 PDF 文件" in reply.text
    assert 'id="licence-number"' not in office_http.get(f"/office/a/{no}").text


def test_a_document_over_the_platforms_limit_is_refused(
    portal: BackgroundServer, office_http: httpx.Client, take: Take, sync: Sync
) -> None:
    no = take().display_no
    sync()
    portal.app.state.materials.max_bytes = 50 * 1024  # the platform's max_material_bytes
    reply = settle(office_http, no, pdf("太大的扫描件", 60 * 1024))
    assert reply.status_code == 400 and "结果文件超过 50 KB" in reply.text
    assert 'id="licence-number"' not in office_http.get(f"/office/a/{no}").text


def test_an_application_voided_at_the_counter_gets_no_licence(
    office_http: httpx.Client, take: Take, sync: Sync, terminal: Terminal
) -> None:
    no = take().display_no
    sync()
    terminal.intake.void(no.replace("-", ""), "录入错误", supervisor(terminal))
    sync()
    reply = settle(office_http, no)
    assert reply.status_code == 400 and "该申请已在窗口作废" in reply.text
    assert 'id="licence-number"' not in office_http.get(f"/office/a/{no}").text


def test_a_number_is_unique_within_its_licence_type(
    office_http: httpx.Client, take: Take, sync: Sync
) -> None:
    first, second = take("甲店").display_no, take("乙店").display_no
    sync()
    assert settle(office_http, first, number="NC-0001").status_code == 303
    reply = settle(office_http, second, number="NC-0001")
    assert reply.status_code == 400 and "证照编号 NC-0001 已被同类型的另一证照使用" in reply.text
    assert settle(office_http, second, number="NC-0001", type_code="SPJY").status_code == 303


def test_a_second_licence_needs_the_first_revoked_with_a_reason(
    office_http: httpx.Client, take: Take, sync: Sync
) -> None:
    no = take().display_no
    sync()
    assert settle(office_http, no).status_code == 303
    again = settle(office_http, no, status="delivered")  # a stale form posted twice
    assert again.status_code == 400 and "本申请已有有效的电子证照" in again.text
    page = office_http.get(f"/office/a/{no}").text
    revoke = f"/office/a/{no}/licence/revoke"
    blank = office_http.post(revoke, data={"csrf": csrf_of(page), "reason": "  "})
    assert blank.status_code == 400 and "请写明注销原因" in blank.text
    reason = "登记信息有误，依法撤销。"
    assert (
        office_http.post(revoke, data={"csrf": csrf_of(page), "reason": reason}).status_code == 303
    )
    page = office_http.get(f"/office/a/{no}").text
    assert f'id="licence-state">已注销：{reason}' in page
    assert settle(office_http, no, status="delivered").status_code == 303
    assert 'id="licence-state">有效' in office_http.get(f"/office/a/{no}").text


def test_a_forged_form_token_records_nothing(
    office_http: httpx.Client, take: Take, sync: Sync
) -> None:
    no = take().display_no
    sync()
    reply = settle(office_http, no, csrf="0" * 64)
    assert "表单已过期" in reply.text
    assert 'id="licence-number"' not in office_http.get(f"/office/a/{no}").text


def test_without_a_session_the_form_goes_to_the_login(
    portal: BackgroundServer, take: Take, sync: Sync, office_http: httpx.Client
) -> None:
    no = take().display_no
    sync()
    with httpx.Client(base_url=portal.url, trust_env=False) as stranger:
        reply = stranger.post(f"/office/a/{no}/licence", data={"csrf": "x", "name": "营业执照"})
        assert (reply.status_code, reply.headers["location"]) == (303, "/office/login")
    assert 'id="licence-number"' not in office_http.get(f"/office/a/{no}").text
