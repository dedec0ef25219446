"""The pages in a real browser: the tracking page opened from the QR code decoded off a real
receipt PDF, on a phone-sized viewport; the back office logged into through its form, on a
desktop viewport. Screenshots are taken every run; with UPDATE_DOCS=1 they replace
docs/tracking-phone.png and docs/backoffice.png (so a test run does not dirty the tree)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from counter_app.intake.receipts import render_receipt
from counter_app.terminal import Terminal
from portal import services
from portal.pages import staff
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages import chromium
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import PERSONAL, STAFF, STAFF_PASSWORD, Clock
from tests.printing.printing_support import qr_codes

pytestmark = pytest.mark.skipif(not chromium.available(), reason="chromium is not installed")
DOCS = Path(__file__).resolve().parents[3] / "docs"
PHONE, DESKTOP = (390, 844), (1280, 600)
OTHER = {"kind": "person", "id_no": "360102198506151233", "name": "李四", "phone": "13900139000"}
Sync = Callable[[], SyncReport]


def keep(shot: Path) -> None:
    if os.environ.get("UPDATE_DOCS") == "1":
        shutil.copyfile(shot, DOCS / shot.name)


def _grouped(receipt_no: str) -> str:
    return "-".join([receipt_no[:3], receipt_no[3:7], receipt_no[7:10], receipt_no[10:]])


def qr_url_off_the_receipt(terminal: Terminal, receipt_no: str) -> str:
    pdf = render_receipt(terminal, receipt_no, paper="80mm")
    (found,) = [codes for codes in qr_codes(pdf, dpi=150) if codes]
    (url,) = found
    return url


def test_tracking_page_from_the_receipts_qr_on_a_phone(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, tmp_path: Path
) -> None:
    result = take()
    sync()
    db = portal.app.state.db
    services.set_status(db, result.receipt_no, "under_review", "材料已转市场监管局审查")
    services.set_status(db, result.receipt_no, "supplement_needed", "请补交经营场所租赁合同原件")
    url = qr_url_off_the_receipt(terminal, result.receipt_no)
    assert url.startswith(portal.url + "/t/") and "&p=" in url

    dom = chromium.dump_dom(url, tmp_path / "profile", PHONE)
    assert "个体工商户设立登记" in dom and "需补正材料" in dom
    assert "请补交经营场所租赁合同原件" in dom and "审查中" in dom
    assert result.due_date is not None and result.due_date.isoformat() in dom
    for secret in PERSONAL:
        assert secret not in dom
    english = chromium.dump_dom(url + "&lang=en", tmp_path / "profile", PHONE)
    assert "Supplement needed" in english and "Promised by" in english

    shot = tmp_path / "tracking-phone.png"
    chromium.screenshot(url, shot, tmp_path / "profile", PHONE)
    keep(shot)


def test_back_office_in_a_desktop_browser(
    portal: BackgroundServer,
    terminal: Terminal,
    take: Take,
    sync: Sync,
    tmp_path: Path,
    clock: Clock,
) -> None:
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    now = clock.at
    clock.at = now - timedelta(days=14)
    late = take("张记修车", OTHER)
    clock.at = now
    results = [take(name) for name in ("老王面馆", "小李花店")] + [late]
    sync()
    services.set_status(portal.app.state.db, results[1].receipt_no, "approved", "")
    browser = chromium.Browser(tmp_path / "profile", DESKTOP)
    try:
        browser.goto(portal.url + "/office")
        assert browser.run("location.pathname") == "/office/login"
        browser.run(
            f"document.getElementById('username').value = '{STAFF}';"
            f"document.getElementById('password').value = '{STAFF_PASSWORD}';"
            "document.querySelector('form[action=\"/office/login\"]').submit()",
            navigates=True,
        )
        assert browser.run("location.pathname") == "/office"
        text = browser.run("document.body.innerText")
        assert "王小明" in text and "已批准" in text and "个体工商户设立登记" in text
        rows = browser.run("document.querySelectorAll('#applications tbody tr').length")
        assert rows == 3
        assert browser.run("document.querySelectorAll('tr.overdue').length") == 1
        browser.screenshot(tmp_path / "backoffice.png")
        browser.run(
            f"document.querySelector('a[href$=\"{_grouped(late.receipt_no)}\"]').click()", True
        )
        browser.run(
            "document.getElementById('new-status').value = 'ready_for_pickup';"
            "document.getElementById('note').value = '请到 3 号窗口领取';"
            "document.querySelector('form[action$=\"/status\"]').submit()",
            navigates=True,
        )
        assert browser.run("document.getElementById('status').innerText") == "待领取"
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
            browser.session,
        )
        browser.screenshot(tmp_path / "backoffice-detail.png")
    finally:
        browser.close()
    assert (tmp_path / "backoffice.png").stat().st_size > 10000
    keep(tmp_path / "backoffice.png")
    keep(tmp_path / "backoffice-detail.png")
