"""A citizen's rating on the tracking page (channel 二维码, one of the five GB/T 39046 levels,
posted as the standard code) flows back to the terminal by sync and counts in the hall's
figures (counter_app.stats)."""

from __future__ import annotations

from collections.abc import Callable

from counter_app.stats import period_stats
from counter_app.store.submissions import load_submission
from counter_app.terminal import Terminal
from portal import services
from portal.pages import ratings
from portal.pages.tracking import lookup
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import code_of, plain_client

Sync = Callable[[], SyncReport]


def _satisfaction(terminal: Terminal) -> tuple[float | None, int]:
    day = terminal.today()
    totals = period_stats(terminal.store, day, day, day, terminal.timezone).totals
    return totals.satisfaction, totals.ratings


def test_rating_reaches_the_halls_satisfaction(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    first, second = take("甲店"), take("乙店")
    sync()
    db = portal.app.state.db
    for result, code in ((first, 1), (second, 4)):  # 非常满意, 不满意
        services.set_status(db, result.receipt_no, "delivered")
        with plain_client() as http:
            reply = http.post(
                f"{portal.url}/t/{result.receipt_no}/rate",
                data={"c": code_of(terminal, result.receipt_no), "rating": str(code)},
            )
        assert reply.status_code == 303
    assert _satisfaction(terminal) == (None, 0)
    sync()
    assert _satisfaction(terminal) == (0.5, 2)  # one of two satisfied
    assert load_submission(terminal.store, first.receipt_no).rating == 1
    rows = terminal.store.query("SELECT channel, service_event, source FROM ratings")
    assert {tuple(r.values()) for r in rows} == {("qr_code", "settlement", "portal")}


def test_a_pulled_rating_applied_twice_counts_once(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    result = take()
    sync()
    db = portal.app.state.db
    services.set_status(db, result.receipt_no, "approved")
    tracking = lookup(db, result.receipt_no, code_of(terminal, result.receipt_no))
    assert tracking is not None
    ratings.rate(db, tracking, 2, "")
    sync()
    terminal.store.set_setting("sync_cursor", "0")  # as if the reply to the pull was lost
    sync()
    assert _satisfaction(terminal) == (1.0, 1)


def test_the_comment_stays_on_the_platform(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    result = take()
    sync()
    db = portal.app.state.db
    services.set_status(db, result.receipt_no, "approved")
    tracking = lookup(db, result.receipt_no, code_of(terminal, result.receipt_no))
    assert tracking is not None
    ratings.rate(db, tracking, 3, "  窗口服务很耐心  ")
    with db.begin() as conn:
        row = conn.execute(db.t("citizen_ratings").select()).one()
        feed = conn.execute(db.t("changes").select().where(db.t("changes").c.kind == "rating"))
        payloads = [r.payload for r in feed]
    assert row.comment == "窗口服务很耐心" and row.rating == 3
    assert len(payloads) == 1 and "窗口服务" not in payloads[0]
