"""The lookup limit's old windows are swept once per window by each app server, not by a
DELETE on every address's first lookup (issue 17): through the real tracking page, the
table keeps only the last two windows of the tracking limit and never touches another
limit's counters (the back office's log-in windows)."""

from __future__ import annotations

import time

from sqlalchemy import insert, select

from portal.pages.ratelimit import Limit
from portal.pages.web import PageConfig
from portal.server import BackgroundServer
from tests.portal.pages.pages_support import plain_client

WINDOW = 1  # second: the test crosses windows by waiting, it measures no time


def _buckets(portal: BackgroundServer) -> list[str]:
    db = portal.app.state.db
    with db.begin() as conn:
        return sorted(conn.scalars(select(db.t("rate_hits").c.bucket)))


def test_lookups_over_many_windows_leave_only_the_last_two(portal: BackgroundServer) -> None:
    portal.app.state.pages = PageConfig(track_limit=Limit(1000, WINDOW), secure_cookies=False)
    db = portal.app.state.db
    login = {"bucket": "login|1|10.0.0.1", "hits": 3, "window_start": 1}  # an old login window
    with db.begin() as conn:
        conn.execute(insert(db.t("rate_hits")).values(**login))
    windows = set()
    with plain_client() as http:
        for _ in range(5):
            windows.add(int(time.time() // WINDOW))
            assert http.get(f"{portal.url}/t/find?r=10A0001001K&c=abcd-efgh-ijkl").status_code
            time.sleep(WINDOW * 1.1)
    left = _buckets(portal)
    tracked = [b for b in left if b.startswith("track|")]
    assert len(windows) >= 4  # the lookups crossed windows
    assert 1 <= len(tracked) <= 2  # the last window or two, not one row per window
    assert "login|1|10.0.0.1" in left  # another limit's counters are its own to sweep
