"""Open data for a year and the back office's pages at province scale: two uvicorn workers on
PostgreSQL holding `scale_apps` generated applications (`bench.pg_cache`), measured over
real HTTP as a reader would load them.

- open data: `/open/stats` for the 365 days of the generated year, JSON, by day (one row per
  day, hall and item: ~83,000 rows, 32 MB at 1,000,000) and by month (the annual table). A
  year by day takes seconds to build, so each app-server process keeps the body for the
  max-age its response declares (`portal.pages.opendata_cache`): the p99 is over requests
  once it is kept, and the requests that built it are their own row (by day and by month);
- back office: the first page of `/office`, and the page reached after following "older"
  links `deep` times (keyset paging: as cheap as the first, whatever the depth).
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx

from bench.bench_track import server
from bench.core import Context, Result, percentile
from bench.pg_cache import END, available, generated_postgres
from portal.db import Database
from portal.errors import PortalError
from portal.pages import staff

USER, PASSWORD = "bench-staff", "bench-Office-2026!"


def _staff(url: str) -> None:
    db = Database(url)
    try:
        staff.add_staff(db, USER, "基准测试", PASSWORD)
    except PortalError:
        pass  # made by an earlier run on this cached database
    finally:
        db.dispose()


def _login(http: httpx.Client, base: str) -> None:
    form = http.get(base + "/office/login").text
    token = re.findall(r'name="csrf" value="([^"]+)"', form)[0]
    reply = http.post(
        base + "/office/login", data={"username": USER, "password": PASSWORD, "csrf": token}
    )
    if reply.status_code != 303:
        raise RuntimeError(f"bench staff login failed: {reply.status_code}")


def _timed(http: httpx.Client, url: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        reply = http.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        if reply.status_code != 200:
            raise RuntimeError(f"{url}: {reply.status_code}")
    return samples


def _built(http: httpx.Client, url: str, tries: int = 12) -> list[float]:
    """Request `url` until three answers in a row come from an app server's kept bodies
    (`X-Cache: hit`, `portal.pages.opendata_cache`), at most `tries` times; the times of
    those that were built (the first on each worker process; every one when the body is
    too cheap to keep, or the cache is off)."""
    built: list[float] = []
    hits = 0
    for _ in range(tries):
        start = time.perf_counter()
        reply = http.get(url)
        if reply.status_code != 200:
            raise RuntimeError(f"{url}: {reply.status_code}")
        hits = hits + 1 if reply.headers.get("x-cache") == "hit" else 0
        if hits == 0:
            built.append((time.perf_counter() - start) * 1000)
        if hits == 3:
            break
    return built


def _deep(http: httpx.Client, base: str, pages: int) -> tuple[str, int]:
    """The URL of the page `pages` "older" links from the first, and how deep it is."""
    url, depth = base + "/office", 0
    while depth < pages:
        found = re.search(r'id="older" href="([^"]+)"', http.get(url).text)
        if found is None:
            break
        url, depth = base + found.group(1).replace("&amp;", "&"), depth + 1
    return url, depth


def stats_and_paging(ctx: Context) -> list[Result]:
    if not available():
        ctx.notes.append("open data / back office: skipped (needs PostgreSQL binaries)")
        return []
    n = ctx.sizes.scale_apps
    small = n < 100_000
    with generated_postgres(n, ctx.cache, ctx.log) as url:
        _staff(url)
        env = {"PORTAL_DB_URL": url, "PORTAL_MATERIALS_DIR": str(ctx.work / "materials")}
        env["PORTAL_INSECURE_COOKIES"] = "1"  # plain HTTP on loopback
        with (
            server("portal.app:app_from_env", env, ctx.work) as base,
            httpx.Client(timeout=600) as http,
        ):
            _login(http, base)
            year = f"{base}/open/stats?from={END - timedelta(days=364)}&to={END}&format=json"
            built = _built(http, year)
            opendata = _timed(http, year, 3 if small else 20)
            month_built = _built(http, year + "&period=month")
            by_month = _timed(http, year + "&period=month", 3 if small else 20)
            first = _timed(http, base + "/office", 3 if small else 50)
            later, depth = _deep(http, base, 2 if small else 100)
            deep = _timed(http, later, 3 if small else 50)
    label = f"{n:,} applications"
    rows = [
        ("open data, a year by day (JSON)", opendata),
        ("open data, a year by month (JSON)", by_month),
        ("back office, first page", first),
        (f"back office, page {depth + 1}", deep),
    ]
    return [
        Result("statistics", f"{label}: {name}: p99", percentile(s, 99), "ms", None, "< 100",
               percentile(s, 99) < 100)
        for name, s in rows
    ] + [
        Result("statistics", f"{label}: open data, a year by {period}, built (the slowest of "
               f"{len(times)} built before it was kept; informational)", max(times), "ms", None)
        for period, times in (("day", built), ("month", month_built))
    ]  # fmt: skip
