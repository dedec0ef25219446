"""The app server's PostgreSQL pool (`portal.db.make_engine`): connections are kept, not
pinged on every checkout, and a PostgreSQL that dropped them (a restart, a DBA's
pg_terminate_backend, a firewall) costs the tracking page at most one failed lookup.
Performed for real: the backends are terminated on the live server while the page is
served by uvicorn on loopback."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

import anyio
import httpx
import pytest
from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy import create_engine, text

from portal import db as portal_db
from portal.app import _lifespan
from portal.pages.ratelimit import Limit
from portal.pages.web import PageConfig
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.receipt_numbers import new_receipt_no

pytestmark = pytest.mark.postgres


@pytest.fixture
def served(settings: Settings, pg_server: str, db_url: str) -> Iterator[BackgroundServer]:
    if not db_url.startswith("postgresql"):
        pytest.skip("the pool is PostgreSQL's")
    with BackgroundServer(replace(settings, db_url=db_url)) as srv:
        srv.app.state.pages = PageConfig(track_limit=Limit(10_000, 600), secure_cookies=False)
        yield srv


def _lookup(base: str, i: int) -> int:
    """An unknown receipt's lookup: the rate-limit count and the lookup, both on the pool."""
    path = f"/t/{new_receipt_no(date(2026, 11, 30), 'ZZZZ', 1 + i)}?c=ABCDEFGHJKMN"
    return httpx.get(base + path, timeout=10, trust_env=False).status_code


def _fill_pool(base: str, n: int = 8) -> None:
    with ThreadPoolExecutor(n) as pool:
        assert set(pool.map(lambda i: _lookup(base, i), range(4 * n))) == {404}


def _terminate_backends(pg_server: str, db_url: str) -> int:
    name = db_url.rsplit("/", 1)[1]
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = :d AND pid <> pg_backend_pid()"
            ),
            {"d": name},
        ).scalar_one()
    admin.dispose()
    return int(killed)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_connections_dropped_in_use_cost_one_lookup(
    served: BackgroundServer, pg_server: str, db_url: str
) -> None:
    """Dropped while in steady use (no idle time for a ping): the first lookup on a dead
    connection fails with the busy page, the pool is emptied with it, and every later
    lookup gets a fresh connection."""
    _fill_pool(served.url)
    assert _terminate_backends(pg_server, db_url) >= 2
    codes = [_lookup(served.url, 100 + i) for i in range(12)]
    assert codes.count(404) >= 11, codes
    assert set(codes) <= {404, 503}, codes


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_connections_dropped_while_idle_cost_nothing(
    served: BackgroundServer, pg_server: str, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Idle longer than PING_AFTER_IDLE (0.2 s here, 10 s deployed): the checkout pings,
    finds the connection dead and opens a new one before the lookup runs."""
    _fill_pool(served.url)
    monkeypatch.setattr(portal_db, "PING_AFTER_IDLE", 0.2)
    assert _terminate_backends(pg_server, db_url) >= 2
    anyio.run(anyio.sleep, 0.4)
    assert [_lookup(served.url, 200 + i) for i in range(12)] == [404] * 12


def test_the_thread_pool_is_sized_by_the_settings() -> None:
    async def inside() -> int:
        async with _lifespan(3, freeze=False)(FastAPI()):
            return int(to_thread.current_default_thread_limiter().total_tokens)

    assert anyio.run(inside) == 3


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_the_lookup_counters_are_unlogged(served: BackgroundServer, db_url: str) -> None:
    """Migration 140: each lookup's counter bump writes no WAL (and waits for no flush);
    the counters still count across the pool's connections."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        kind = conn.execute(
            text("SELECT relpersistence FROM pg_class WHERE relname = 'rate_hits'")
        ).scalar_one()
    engine.dispose()
    assert kind == "u"
    served.app.state.pages = PageConfig(track_limit=Limit(5, 600), secure_cookies=False)
    assert [_lookup(served.url, i) for i in range(7)] == [404] * 5 + [429] * 2


def test_a_served_process_freezes_what_start_up_built() -> None:
    """`portal serve` (own_process): start-up's objects leave the collector's sight; an app
    inside another process (tests, the demo's in-process portal) freezes nothing."""

    async def inside(freeze: bool) -> int:
        async with _lifespan(2, freeze)(FastAPI()):
            return gc.get_freeze_count()

    try:
        assert anyio.run(inside, False) == 0
        assert anyio.run(inside, True) > 1000
    finally:
        gc.unfreeze()
