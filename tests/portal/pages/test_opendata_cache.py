"""Open data bodies kept within their max-age (`portal.pages.opendata_cache`), over real
HTTP: served with their age until MAX_AGE and then built afresh, rebuilt in the background
at half that age, one build for many concurrent misses, one body per query (never another
hall's, format's or language's), bounded memory, and cheap bodies never kept."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from portal.pages import opendata
from portal.pages.opendata_cache import MAX_AGE, BodyCache
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import plain_client

Sync = Callable[[], SyncReport]


class Seconds:
    """The cache's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def seconds() -> Seconds:
    return Seconds()


@pytest.fixture
def cached(portal: BackgroundServer, seconds: Seconds) -> Iterator[BodyCache]:
    """The portal keeping every body (min_build 0: the test data builds in milliseconds)."""
    cache = BodyCache(64 * 1024 * 1024, min_build=0, clock=seconds)
    portal.app.state.pages.opendata_cache = cache
    yield cache


def get(portal: BackgroundServer, **params: str) -> httpx.Response:
    query = "&".join(f"{k}={v}" for k, v in ({"format": "json"} | params).items())
    with plain_client() as http:
        reply = http.get(f"{portal.url}/open/stats?{query}")
    assert reply.status_code == 200, reply.text
    return reply


def received(reply: httpx.Response) -> int:
    return sum(int(r["received"]) for r in json.loads(reply.content)["rows"])


def test_a_kept_body_is_served_with_its_age_and_built_afresh_at_max_age(
    portal: BackgroundServer, cached: BodyCache, seconds: Seconds, take: Take, sync: Sync
) -> None:
    take("一店")
    sync()
    first = get(portal)
    assert first.headers["x-cache"] == "miss" and received(first) == 1
    take("二店")
    sync()
    seconds.now += 60
    again = get(portal)
    assert again.headers["x-cache"] == "hit" and again.headers["age"] == "60"
    assert again.content == first.content  # within max-age: what a proxy would serve too
    assert again.headers["cache-control"] == f"public, max-age={MAX_AGE}"
    seconds.now += MAX_AGE
    fresh = get(portal)
    assert fresh.headers["x-cache"] == "miss" and received(fresh) == 2


def test_at_half_its_age_a_body_is_rebuilt_behind_the_one_served(
    portal: BackgroundServer, cached: BodyCache, seconds: Seconds, take: Take, sync: Sync
) -> None:
    take("一店")
    sync()
    get(portal)
    take("二店")
    sync()
    seconds.now += MAX_AGE / 2
    stale = get(portal)
    assert stale.headers["x-cache"] == "hit" and received(stale) == 1  # no wait for the build
    deadline = time.monotonic() + 30
    while (reply := get(portal)).headers["age"] != "0" and time.monotonic() < deadline:
        time.sleep(0.05)  # the background build replaces the body
    assert reply.headers["x-cache"] == "hit" and received(reply) == 2


def test_a_failed_background_build_serves_the_old_body_until_max_age(
    portal: BackgroundServer,
    cached: BodyCache,
    seconds: Seconds,
    take: Take,
    sync: Sync,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    take("一店")
    sync()
    kept = get(portal).content

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(opendata, "stats", broken)  # the database failing, from here on
    seconds.now += MAX_AGE / 2
    with caplog.at_level(logging.ERROR):
        assert get(portal).content == kept
        deadline = time.monotonic() + 30
        while "rebuilding a kept body failed" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "rebuilding a kept body failed" in caplog.text
    assert get(portal).content == kept  # served on, no second attempt
    seconds.now += MAX_AGE / 2
    with plain_client() as http:
        reply = http.get(f"{portal.url}/open/stats?format=json")
    assert reply.status_code == 500  # too old now: this request builds, and fails


def test_concurrent_misses_wait_for_one_build(
    portal: BackgroundServer,
    cached: BodyCache,
    take: Take,
    sync: Sync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    take("一店")
    sync()
    builds: list[int] = []
    real = opendata.stats

    def slow_stats(*args: Any, **kwargs: Any) -> Any:  # counts builds; slow, as a year is
        builds.append(1)
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(opendata, "stats", slow_stats)
    replies: list[httpx.Response] = []
    threads = [threading.Thread(target=lambda: replies.append(get(portal))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1 and len({r.content for r in replies}) == 1
    assert sorted(r.headers["x-cache"] for r in replies) == ["hit"] * 5 + ["miss"]


def test_each_query_has_its_own_body(
    portal: BackgroundServer, cached: BodyCache, take: Take, sync: Sync
) -> None:
    """No parameter is lost from the key: another hall, item, period, format, language or
    grouping never gets a body built for this one."""
    take("一店")
    sync()
    plain = get(portal)
    hall = json.loads(plain.content)["rows"][0]["hall"]
    variants = [
        {"hall": hall},
        {"hall": "某区政务服务中心"},
        {"item": "NOPE-1"},
        {"period": "month"},
        {"lang": "en"},
        {"by": "window"},
        {"format": "csv"},
    ]
    firsts = [get(portal, **v) for v in variants]
    assert [r.headers["x-cache"] for r in firsts] == ["miss"] * len(variants)
    assert firsts[0].content == plain.content  # the same rows, built for its own key
    assert json.loads(firsts[1].content)["rows"] == []  # the other hall: nothing of this one
    assert firsts[4].content != plain.content and firsts[6].content.startswith(b"date,")
    again = [get(portal, **v) for v in variants]
    assert [r.content for r in again] == [r.content for r in firsts]
    assert {r.headers["x-cache"] for r in again} == {"hit"}


def test_memory_is_bounded_and_cheap_bodies_are_not_kept(
    portal: BackgroundServer, seconds: Seconds, take: Take, sync: Sync
) -> None:
    take("一店")
    sync()
    size = len(get(portal).content)
    portal.app.state.pages.opendata_cache = BodyCache(size - 1, min_build=0, clock=seconds)
    assert [get(portal).headers["x-cache"] for _ in range(2)] == ["miss", "miss"]  # too big
    english = len(get(portal, lang="en").content)
    room = max(size, english) + min(size, english) - 1  # one of the two, not both
    portal.app.state.pages.opendata_cache = BodyCache(room, min_build=0, clock=seconds)
    get(portal)
    get(portal, lang="en")  # the second body pushes the first out
    assert get(portal, lang="en").headers["x-cache"] == "hit"
    assert get(portal).headers["x-cache"] == "miss"
    portal.app.state.pages.opendata_cache = BodyCache(64 * 1024 * 1024)  # min_build 50 ms
    assert [get(portal).headers["x-cache"] for _ in range(2)] == ["miss", "miss"]
