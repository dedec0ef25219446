"""Broken platform replies: malformed JSON, wrong types, an HTML page, a reply that
confirms nothing, a huge body, a slow drip, not HTTP at all. Each time the engine reports
a clear error, gives up in bounded time, sets nothing aside and loses nothing; the same
outbox then goes up to the real platform exactly once."""

from __future__ import annotations

import httpx
import pytest

from counter_app.store import outbox
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from tests.reliability.bad_portal import BadPortal
from tests.sync.conftest import Take, plain_client, server_count

#: mode -> what the clerk's (English) message says
MODES = {
    "malformed": "cannot read",
    "wrong_types": "cannot read",
    "not_json": "cannot read",
    "no_results": "misses results",
    "huge": "larger than 16 MB",
    "drip": "too slow",
    "garbage": "cannot reach",
}


def short_timeouts() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(0.5), trust_env=False)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_bad_reply_is_reported_and_loses_nothing(
    enrolled: Terminal, portal: BackgroundServer, take: Take, mode: str
) -> None:
    taken = [take(f"{mode}-{i}") for i in range(3)]
    real = enrolled.portal_url
    with BadPortal(mode) as bad:
        enrolled.portal_url = bad.url
        report = SyncEngine(StorePort(enrolled), short_timeouts).run_once()
    assert report.errors, f"{mode}: no error reported"
    assert MODES[mode] in report.errors[0].message("en").lower().replace("mb", "MB")
    for error in report.errors:
        assert error.message("zh_CN") and error.message("en")
    assert outbox.backlog(enrolled.store)[0] == len(taken)
    assert not outbox.set_aside_entries(enrolled.store)
    enrolled.portal_url = real
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok
    for r in taken:
        assert server_count(portal, "applications", uuid=r.uuid) == 1
