"""The back office's 好差评 pages in a real browser (headless Chromium over CDP): log in, the
case list with an overdue case flagged, a case worked through to its reply, the figures.
With UPDATE_DOCS=1 the screenshots go to docs/screenshots/ (for Chinese text, give Chromium
the bundled font: FONTCONFIG_FILE naming a fonts.conf that adds assets/fonts)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import update

from counter_app.terminal import Terminal
from portal.pages import staff
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages import chromium
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import STAFF, STAFF_PASSWORD

pytestmark = pytest.mark.skipif(not chromium.available(), reason="chromium is not installed")
DESKTOP = (1280, 800)
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
STEP = 'form[action^="/office/cases/"]'


def _submit(browser: chromium.Browser, fields: dict[str, str], form: str) -> None:
    script = "".join(f"document.getElementById('{k}').value = {v!r};" for k, v in fields.items())
    browser.run(script + f"document.querySelector('{form}').submit()", navigates=True)


def test_cases_and_figures_in_a_browser(
    portal: BackgroundServer,
    terminal: Terminal,
    take: Take,
    sync: Callable[[], SyncReport],
    tmp_path: Path,
) -> None:
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    old, new = take("老王面馆"), take("小李花店")
    terminal.intake.record_rating(old.receipt_no, 4, attitude=4)  # 不满意
    terminal.intake.record_rating(new.receipt_no, 5, efficiency=5)  # 非常不满意
    terminal.intake.record_rating(new.receipt_no, 1, "result")
    sync()
    db = portal.app.state.db
    cases = db.t("bad_cases")
    with db.begin() as conn:  # the first case opened before the National Day holiday
        first = conn.execute(cases.select().order_by(cases.c.id)).first()
        assert first is not None
        conn.execute(
            update(cases)
            .where(cases.c.id == first.id)
            .values(opened_at="2026-09-30T02:00:00+00:00")
        )
    browser = chromium.Browser(tmp_path / "profile", DESKTOP)
    try:
        browser.goto(portal.url + "/office/login")
        _submit(
            browser, {"username": STAFF, "password": STAFF_PASSWORD}, 'form[action="/office/login"]'
        )
        browser.goto(portal.url + "/office/cases")
        assert browser.run("document.querySelectorAll('#cases tr.overdue').length") == 1
        assert "逾期未办结：1 件" in browser.run("document.body.innerText")
        browser.screenshot(tmp_path / "15-office-bad-ratings.png")
        browser.goto(f"{portal.url}/office/cases/{first.id + 1}")
        _submit(browser, {"category-select": "efficiency", "assignee": "张科长"}, STEP)
        _submit(browser, {"text": "已电话回访申请人，了解到等候时间过长"}, STEP)
        _submit(browser, {"text": "午间增开一个综合窗口"}, STEP)
        assert "答复" in browser.run("document.querySelector('#steps .now').innerText")
        browser.screenshot(tmp_path / "16-office-bad-rating-case.png")
        browser.goto(portal.url + "/office/ratings")
        assert "非常不满意" in browser.run("document.body.innerText")
        browser.screenshot(tmp_path / "17-office-rating-figures.png")
    finally:
        browser.close()
    for name in ("15-office-bad-ratings", "16-office-bad-rating-case", "17-office-rating-figures"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10000
        if os.environ.get("UPDATE_DOCS") == "1":
            shutil.copyfile(tmp_path / f"{name}.png", SHOTS / f"{name}.png")
