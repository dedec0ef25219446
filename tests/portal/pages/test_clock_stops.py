"""Clock stops (特别程序) in the back office over real HTTP: a stop moves the deadline by the
working days it stood still (holidays off, make-up weekends on), the tracking page shows
it in the citizen's words, an extension needs a reason and stays within the statutory limit.

The hall's "today" is set by the test (monkeypatched in the office routes): the dates the
law's calendar is tested on (National Day and Mid-Autumn 2026) are not today's date here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import httpx
import pytest

from forms.workdays import add_working_days
from portal.pages import office, staff
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import STAFF, STAFF_PASSWORD, Clock, csrf_of, plain_client
from tests.portal.pages.pages_support import tracking_path as track

Sync = Callable[[], SyncReport]
REASON = "需对您提交的样品进行检验，检验期间不计入办理时限。"


@pytest.fixture
def office_http(portal: BackgroundServer) -> Iterator[httpx.Client]:
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    with plain_client() as http:
        form = http.get(portal.url + "/office/login")
        data = {"username": STAFF, "password": STAFF_PASSWORD, "csrf": csrf_of(form.text)}
        assert http.post(portal.url + "/office/login", data=data).status_code == 303
        yield http


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr(office, "today", lambda: day)


def _post(http: httpx.Client, portal: BackgroundServer, no: str, what: str, **data: str) -> str:
    page = http.get(f"{portal.url}/office/a/{no}")
    reply = http.post(
        f"{portal.url}/office/a/{no}/{what}", data={"csrf": csrf_of(page.text), **data}
    )
    if reply.status_code == 303:
        return http.get(f"{portal.url}/office/a/{no}").text
    return reply.text


def _accepted_on_monday_21_september(clock: Clock, take: Take, sync: Sync) -> str:
    clock.at = datetime(2026, 9, 21, 2, 0, tzinfo=UTC)  # 10:00 in the hall
    result = take()
    sync()
    assert result.due_date == date(2026, 9, 29)  # 5 working days; 25-27 Sep Mid-Autumn
    return result.display_no


def test_a_stop_of_three_working_days_over_a_weekend_and_a_holiday_moves_three_days(
    portal: BackgroundServer, office_http: httpx.Client, clock: Clock, take: Take, sync: Sync,
    monkeypatch: pytest.MonkeyPatch, terminal: object,
) -> None:  # fmt: skip
    no = _accepted_on_monday_21_september(clock, take, sync)
    _on(monkeypatch, date(2026, 9, 24))  # Thursday
    page = _post(office_http, portal, no, "stop", kind="testing", reason=REASON)
    assert "2026-09-24" in page and REASON in page
    _on(monkeypatch, date(2026, 9, 30))  # Wednesday: Fri 25 holiday, Sat 26, Sun 27 holiday
    page = _post(office_http, portal, no, "resume")
    moved = add_working_days(date(2026, 9, 29), 3)
    assert moved == date(2026, 10, 9)  # 30 Sep, (1-7 Oct National Day), 8 Oct, 9 Oct
    assert f"<dd>{moved.isoformat()}</dd>" in page
    citizen = httpx.get(portal.url + track(terminal, no.replace("-", "")), trust_env=False)  # type: ignore[arg-type]
    assert citizen.status_code == 200
    assert REASON in citizen.text and "检验、检测、检疫" in citizen.text
    assert f'id="promised">{moved.isoformat()}<' in citizen.text


def test_a_make_up_working_saturday_counts_as_a_stopped_day(
    portal: BackgroundServer, office_http: httpx.Client, clock: Clock, take: Take, sync: Sync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    no = _accepted_on_monday_21_september(clock, take, sync)
    _on(monkeypatch, date(2026, 10, 9))  # Friday
    _post(office_http, portal, no, "stop", kind="expert_review", reason="组织专家评审")
    _on(monkeypatch, date(2026, 10, 12))  # Monday; Saturday 10 Oct was a working day
    page = _post(office_http, portal, no, "resume")
    assert f"<dd>{add_working_days(date(2026, 9, 29), 2).isoformat()}</dd>" in page


def test_an_extension_needs_a_reason_and_stays_within_the_statutory_limit(
    portal: BackgroundServer, office_http: httpx.Client, clock: Clock, take: Take, sync: Sync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    no = _accepted_on_monday_21_september(clock, take, sync)
    _on(monkeypatch, date(2026, 9, 28))
    page = _post(office_http, portal, no, "stop", kind="extension", reason=" ", days="5")
    assert "特别程序须填写原因" in page
    page = _post(office_http, portal, no, "stop", kind="extension", reason="情况复杂", days="30")
    legal = add_working_days(date(2026, 9, 21), 20)  # PAGE-001: statutory 20 working days
    assert f"超过法定办结时限（{legal}）" in page
    page = _post(office_http, portal, no, "stop", kind="extension", reason="情况复杂", days="x")
    assert "整数" in page
    page = _post(office_http, portal, no, "stop", kind="extension", reason="情况复杂", days="10")
    assert f"<dd>{add_working_days(date(2026, 9, 29), 10).isoformat()}</dd>" in page


def test_only_one_stop_runs_at_a_time_and_resume_needs_a_running_one(
    portal: BackgroundServer, office_http: httpx.Client, clock: Clock, take: Take, sync: Sync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    no = _accepted_on_monday_21_september(clock, take, sync)
    _on(monkeypatch, date(2026, 9, 22))
    assert "没有进行中的特别程序" in _post(office_http, portal, no, "resume")
    _post(office_http, portal, no, "stop", kind="hearing", reason="依申请举行听证")
    assert "已有未结束的特别程序" in _post(
        office_http, portal, no, "stop", kind="testing", reason="检验"
    )
    assert "未知的特别程序" in _post(office_http, portal, no, "stop", kind="nap", reason="x")
