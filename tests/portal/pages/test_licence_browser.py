"""The licence forms in a real browser (headless Chromium): the back office settles an
application with a licence through its form (the platform draws the PDF), and the citizen's
tracking page on a phone shows the result with its download link. With UPDATE_DOCS=1 the
screenshots replace docs/screenshots/licence-office-settle.png, licence-office-issued.png and
licence-tracking.png (for Chinese text, give Chromium the bundled font: FONTCONFIG_FILE naming
a fonts.conf that adds assets/fonts)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from counter_app.terminal import Terminal
from portal.pages import staff
from portal.pages.deadlines import today
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages import chromium
from tests.portal.pages.conftest import Take
from tests.portal.pages.licence_support import licence_portal
from tests.portal.pages.pages_support import PERSONAL, STAFF, STAFF_PASSWORD, tracking_path

pytestmark = [
    pytest.mark.skipif(not chromium.available(), reason="chromium is not installed"),
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
FIXTURES = (licence_portal,)  # `portal`, whose item issues a 营业执照
Sync = Callable[[], SyncReport]


def keep(shot: Path) -> None:
    if os.environ.get("UPDATE_DOCS") == "1":
        shutil.copyfile(shot, SHOTS / shot.name)


def test_settle_with_a_licence_in_the_browser_then_the_citizen_sees_it_on_a_phone(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, tmp_path: Path
) -> None:
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    result = take()
    sync()
    until = (today() + timedelta(days=3650)).isoformat()
    browser = chromium.Browser(tmp_path / "profile", (1280, 1000))
    try:
        browser.goto(portal.url + "/office/login")
        browser.run(
            f"document.getElementById('username').value = '{STAFF}';"
            f"document.getElementById('password').value = '{STAFF_PASSWORD}';"
            "document.querySelector('form[action=\"/office/login\"]').submit()",
            navigates=True,
        )
        browser.goto(f"{portal.url}/office/a/{result.display_no}")
        browser.run(
            f"document.getElementById('valid-until').value = '{until}';"
            "document.getElementById('licence-note').value = '请携带身份证到 3 号窗口领取纸质执照';"
            "document.getElementById('licence').scrollIntoView()"
        )
        browser.screenshot(tmp_path / "licence-office-settle.png")
        browser.run("document.querySelector('form[action$=\"/licence\"]').submit()", navigates=True)
        number = browser.run("document.getElementById('licence-number').innerText")
        assert number.startswith("YYZZ") and until in browser.run("document.body.innerText")
        assert browser.run("document.getElementById('status').innerText") == "已批准"
        browser.run("document.getElementById('licence').scrollIntoView()")
        browser.screenshot(tmp_path / "licence-office-issued.png")
    finally:
        browser.close()
    url = portal.url + tracking_path(terminal, result.receipt_no, with_payload=False)
    dom = chromium.dump_dom(url, tmp_path / "profile", (390, 844))
    assert number in dom and "下载证照文件（PDF）" in dom
    for secret in PERSONAL:
        assert secret not in dom
    shot = tmp_path / "licence-tracking.png"
    chromium.screenshot(url, shot, tmp_path / "profile", (390, 1400))
    for name in ("licence-office-settle.png", "licence-office-issued.png", shot.name):
        keep(tmp_path / name)
