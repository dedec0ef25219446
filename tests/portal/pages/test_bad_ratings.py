"""差评整改 over real HTTP: a 非常不满意 rating from the citizen screen opens a case in the
back office; staff classify and assign it, call the citizen back, record the fix and reply,
in that order; the citizen reads the reply on the tracking page; the figures count it. A
case left open past its deadline (5 working days on the holiday calendar) is flagged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from counter_app.terminal import Terminal
from portal import services
from portal.pages import cases, opendata
from portal.pages.cases import RatingRules
from portal.server import BackgroundServer
from sync.engine import SyncReport
from sync.hall_time import portal_zone
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import code_of, csrf_of, plain_client, tracking_path
from tests.portal.pages.test_office import office  # noqa: F401  (the logged-in browser)

Sync = Callable[[], SyncReport]


def _step(
    http: httpx.Client, portal: BackgroundServer, case_id: int, step: str, **form: str
) -> str:
    page = http.get(f"{portal.url}/office/cases/{case_id}")
    data = {"csrf": csrf_of(page.text)} | form
    reply = http.post(f"{portal.url}/office/cases/{case_id}/{step}", data=data)
    if reply.status_code == 303:
        return http.get(portal.url + reply.headers["location"]).text
    return reply.text


def _one_case(portal: BackgroundServer) -> int:
    db = portal.app.state.db
    with db.begin() as conn:
        return int(conn.execute(db.t("bad_cases").select()).one().id)


def test_a_very_dissatisfied_rating_is_put_right_step_by_step(
    portal: BackgroundServer,
    terminal: Terminal,
    take: Take,
    sync: Sync,
    office: httpx.Client,  # noqa: F811
) -> None:
    result = take()
    terminal.intake.record_rating(result.receipt_no, 5, "acceptance", attitude=5)  # 非常不满意
    terminal.intake.record_rating(result.receipt_no, 1, "result")  # 非常满意: no case
    sync()
    listing = office.get(f"{portal.url}/office/cases").text
    assert "非常不满意" in listing and "待分类指派" in listing and "逾期未办结：0 件" in listing
    case_id = _one_case(portal)

    early = _step(office, portal, case_id, "reply", text="已整改")
    assert "请按顺序办理" in early  # a reply before the case was classified is refused
    blank = _step(office, portal, case_id, "classify", category="", assignee="张科长")
    assert "请选择差评分类" in blank
    page = _step(office, portal, case_id, "classify", category="attitude", assignee="张科长")
    assert "服务态度 / 张科长" in page and "待回访" not in page
    empty = _step(office, portal, case_id, "callback", text="   ")
    assert "请填写内容" in empty
    page = _step(office, portal, case_id, "callback", text="已电话回访，申请人反映等候时间长")
    page = _step(office, portal, case_id, "fix", text="窗口增加叫号提醒，对受理人员进行提醒谈话")
    assert "窗口增加叫号提醒" in page
    reply = "您好，已核实并整改：窗口增设叫号提醒。感谢您的监督。"
    page = _step(office, portal, case_id, "reply", text=reply)
    assert reply in page and 'id="overdue"' not in page
    again = _step(office, portal, case_id, "reply", text="again")
    assert "已答复办结" in again

    with plain_client() as citizen:
        tracking = citizen.get(portal.url + tracking_path(terminal, result.receipt_no)).text
    assert "对您评价的答复" in tracking and reply in tracking

    figures = office.get(f"{portal.url}/office/ratings").text
    assert "(1/1)" in figures  # one bad rating due, put right on time
    with plain_client() as anyone:  # open data: the same count, no names
        body = anyone.get(f"{portal.url}/open/stats?format=json").json()
    (row,) = body["rows"]
    assert (row["code_1"], row["code_5"], row["bad_ratings"]) == (1, 1, 1)
    assert (row["rectified_on_time"], row["rectification_rate"]) == (1, 1.0)
    assert "张科长" not in str(body) and "reviewer" not in str(body)


def test_a_case_left_open_past_five_working_days_is_flagged_overdue(
    portal: BackgroundServer,
    terminal: Terminal,
    take: Take,
    sync: Sync,
    office: httpx.Client,  # noqa: F811
) -> None:
    """Opened Wednesday 30 September 2026: the National Day holiday (1-7 October) and Sunday
    11 October are not working days, Saturday 10 October is (调休): the fifth working day is
    Tuesday 13 October."""
    result = take()
    terminal.intake.record_rating(result.receipt_no, 4)  # 不满意
    sync()
    case_id = _one_case(portal)
    db = portal.app.state.db
    table = db.t("bad_cases")
    with db.begin() as conn:
        opened = "2026-09-30T02:00:00+00:00"  # 10:00 in the hall
        conn.execute(update(table).where(table.c.id == case_id).values(opened_at=opened))
    page = office.get(f"{portal.url}/office/cases/{case_id}").text
    assert "2026-09-30 / 2026-10-13" in page and 'id="overdue"' in page
    listing = office.get(f"{portal.url}/office/cases?overdue=1").text
    assert f'id="case-{case_id}"' in listing and "逾期未办结：1 件" in listing

    case = cases.one(db, case_id, 5)
    assert case.due_on == date(2026, 10, 13)
    assert not case.overdue(date(2026, 10, 13)) and case.overdue(date(2026, 10, 14))
    assert case.counts(date(2026, 10, 14)) == (True, False)  # due, not put right


def test_unrated_after_seven_days_counts_only_where_the_platform_says(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    result = take()
    sync()
    db = portal.app.state.db
    services.set_status(db, result.receipt_no, "approved")
    today = datetime.now(portal_zone()).date()  # the hall's day, not the machine's
    query = opendata.StatsQuery(today - timedelta(days=1), today + timedelta(days=1))
    later = today + timedelta(days=8)
    (plain,) = opendata.stats(db, query, now=later)
    assert (plain["ratings"], plain["satisfaction_rate"]) == (0, None)  # neither way
    (basic,) = opendata.stats(db, query, now=later, rules=RatingRules(default_basic=True))
    assert (basic["ratings"], basic["code_3"], basic["rating_rate"]) == (1, 1, 1.0)
    (soon,) = opendata.stats(db, query, now=today, rules=RatingRules(default_basic=True))
    assert soon["ratings"] == 0  # within the seven days: not yet


@pytest.mark.parametrize("fmt", ["csv", "json", "xml", "xlsx"])
def test_open_data_per_window_in_every_format(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, fmt: str
) -> None:
    from tests.portal.pages.test_opendata import fetch, parse

    result = take()
    terminal.intake.record_rating(result.receipt_no, 2)  # 满意
    terminal.intake.record_rating(result.receipt_no, 4, "result")  # 不满意
    sync()
    (row,) = parse(fmt, fetch(portal, fmt, by="window"))
    assert (row["window"], row["item_code"], row["item_name"]) == ("12", "", "")
    assert (row["ratings"], row["code_2"], row["code_4"], row["bad_ratings"]) == (
        "2",
        "1",
        "1",
        "1",
    )
    assert float(row["satisfaction_rate"]) == 0.5
    text = str(row)
    assert "王小明" not in text and "C001" not in text  # no person, not even the clerk


def test_open_data_refuses_an_unknown_grouping(portal: BackgroundServer) -> None:
    with plain_client() as http:
        reply = http.get(f"{portal.url}/open/stats?by=clerk")
    assert reply.status_code == 400 and "by must be item or window" in reply.text


def test_unknown_case_and_unknown_step_are_told(
    portal: BackgroundServer,
    terminal: Terminal,
    take: Take,
    sync: Sync,
    office: httpx.Client,  # noqa: F811
) -> None:
    missing = office.get(f"{portal.url}/office/cases/999")
    assert missing.status_code == 404 and "没有差评工单 999" in missing.text
    result = take()
    terminal.intake.record_rating(result.receipt_no, 5)
    sync()
    page = _step(office, portal, _one_case(portal), "shred", text="x")
    assert "请按顺序办理" in page


def test_the_tracking_page_stops_asking_seven_days_after_settlement(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    result = take()
    sync()
    db = portal.app.state.db
    services.set_status(db, result.receipt_no, "delivered")
    events = db.t("status_events")
    with db.begin() as conn:  # settled eight days ago
        old = (datetime.now(UTC) - timedelta(days=8)).isoformat()
        conn.execute(update(events).where(events.c.status == "delivered").values(at=old))
    path = tracking_path(terminal, result.receipt_no)
    with plain_client() as citizen:
        page = citizen.get(portal.url + path).text
        assert 'name="rating"' not in page  # no longer invited
        url = f"{portal.url}/t/{path.split('/t/')[1].split('?')[0]}/rate"
        late = citizen.post(url, data={"c": code_of(terminal, result.receipt_no), "rating": "1"})
    assert late.status_code == 400 and "评价期已过" in late.text
