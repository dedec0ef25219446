"""Ratings flow up exactly once, as applications do: a rating pushed twice (the platform's
reply lost on the way back through the fault proxy, then the whole entry sent again by hand)
is one rating on the platform, with its GB/T 39046 fields, and a bad one opens one case."""

from __future__ import annotations

from counter_app.store import outbox
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from tests.sync.conftest import Take, plain_client, server_count
from tests.sync.faultproxy import FaultProxy
from tests.sync.test_faults import one_request_per_connection


def _rows(portal: BackgroundServer) -> list[dict[str, object]]:
    db = portal.app.state.db
    with db.begin() as conn:
        return [dict(r) for r in conn.execute(db.t("ratings").select()).mappings()]


def test_a_rating_pushed_twice_lands_once(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    taken = take("rated")
    enrolled.store.set_setting("region", "360102")
    key = enrolled.intake.record_rating(
        taken.receipt_no, 5, "acceptance", overall=5, efficiency=4, level=3, attitude=5
    )
    with FaultProxy(portal.port, {"pass": 1}, seed=3, script={"/push": ["lose_reply"]}) as proxy:
        enrolled.portal_url = proxy.url
        engine = SyncEngine(StorePort(enrolled), one_request_per_connection)
        passes = 0  # the first push is committed on the platform and its reply lost;
        while outbox.backlog(enrolled.store)[0] and passes < 20:  # then sent again
            engine.run_once()
            passes += 1
    assert "lose_reply" in proxy.seen and passes >= 2
    assert outbox.backlog(enrolled.store)[0] == 0

    outbox.requeue(enrolled.store, taken.uuid)  # and once more, by hand
    enrolled.portal_url = portal.url
    SyncEngine(StorePort(enrolled), plain_client).run_once()

    (row,) = _rows(portal)
    assert (row["rating_id"], row["code"], row["count"]) == (key, 5, 1)
    assert (row["channel"], row["service_event"], row["region"]) == (
        "hall_terminal",
        "acceptance",
        "360102",
    )
    assert (row["efficiency"], row["level"], row["terminal_id"]) == (4, 3, "7QXM")
    assert server_count(portal, "bad_cases", rating_id=key) == 1
    assert server_count(portal, "applications", uuid=taken.uuid) == 1


def test_every_event_rated_is_a_rating_of_its_own(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    taken = take("twice")
    enrolled.intake.record_rating(taken.receipt_no, 1, "acceptance")
    enrolled.intake.record_rating(taken.receipt_no, 2, "result")
    SyncEngine(StorePort(enrolled), plain_client).run_once()
    rows = sorted(_rows(portal), key=lambda r: int(str(r["count"])))
    assert [(r["service_event"], r["code"], r["count"]) for r in rows] == [
        ("acceptance", 1, 1),
        ("result", 2, 2),
    ]
    assert server_count(portal, "bad_cases") == 0  # 满意 opens nothing
