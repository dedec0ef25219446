"""Open data bodies kept for as long as the responses say they may be kept.

Every `/open/stats` response says `Cache-Control: public, max-age=MAX_AGE`: any browser or
proxy may serve it for that long. The app server does the same for the bodies that are
expensive to build (a year by day is ~83,000 rows, 32 MB, ~3 s of CPU at 1,000,000
applications; the same year by month is 100 ms): a body that took `min_build` or longer is
kept in memory, keyed by everything the body depends on, and served with its `Age` until it
is MAX_AGE old. A kept body asked for when it is half that age is rebuilt in the background
while the old one is still served, so a query in steady demand never waits for a build. Only
one build of a key runs at a time (per process): concurrent misses wait for it instead of
each spending the same seconds. Memory is bounded by `max_bytes` (least recently served
first out). Each app-server process keeps its own: the first request of a query on each
process builds it.

Open data holds counts only (no applicant, no clerk); a key holds every query parameter,
the rating rules and the hall day, so no two queries share a body.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

log = logging.getLogger(__name__)

MAX_AGE = 300  # seconds: the responses' Cache-Control max-age, and the longest a body is kept
DEFAULT_MB = 256
DEFAULT_MIN_BUILD_MS = 50
BUILD_STRIPES = 64  # builds of keys in the same stripe wait for each other


@dataclass(frozen=True)
class Served:
    body: bytes
    age: int  # whole seconds since it was built
    hit: bool  # served from memory, not built for this request


@dataclass
class _Kept:
    body: bytes
    built: float  # clock time
    refreshing: bool = False


class BodyCache:
    """Bodies by key, as the module says. `max_bytes` 0 keeps nothing (every request
    builds). `clock` is seconds, monotonic (tests move it)."""

    def __init__(
        self,
        max_bytes: int,
        min_build: float = DEFAULT_MIN_BUILD_MS / 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_bytes = max_bytes
        self.min_build = min_build
        self.clock = clock
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        # a fixed set, not a lock per key: any URL makes a key, and a lock per key would
        # grow with every query a crawler invents
        self._building = [threading.Lock() for _ in range(BUILD_STRIPES)]
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], bytes]) -> Served:
        """The body for `key`: kept and fresh, or built now (by this request or by the one
        already building it). With no memory to keep bodies in, every request builds its
        own at once (no waiting for another's build that will not be kept)."""
        if self.max_bytes <= 0:
            return Served(build(), 0, hit=False)
        served = self._fresh(key, build)
        if served is not None:
            return served
        with self._build_lock(key):
            served = self._fresh(key, build)  # built while this request waited
            if served is not None:
                return served
            return Served(self._build(key, build), 0, hit=False)

    def _fresh(self, key: Hashable, build: Callable[[], bytes]) -> Served | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            age = self.clock() - kept.built
            if age >= MAX_AGE:
                del self._kept[key]
                return None
            self._kept.move_to_end(key)
            refresh = age >= MAX_AGE / 2 and not kept.refreshing
            kept.refreshing = kept.refreshing or refresh
        if refresh:
            threading.Thread(target=self._refresh, args=(key, build), daemon=True).start()
        return Served(kept.body, int(age), hit=True)

    def _build_lock(self, key: Hashable) -> threading.Lock:
        return self._building[hash(key) % BUILD_STRIPES]

    def _build(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        started = self.clock()
        body = build()
        if self.clock() - started >= self.min_build:
            self._keep(key, _Kept(body, self.clock()))
        return body

    def _refresh(self, key: Hashable, build: Callable[[], bytes]) -> None:
        """In the background: build `key` again. On failure the old body is served on (no
        second attempt) until it is MAX_AGE old; then a request builds it and sees why."""
        try:
            with self._build_lock(key):
                self._build(key, build)
        except Exception:
            log.exception("open data: rebuilding a kept body failed; the old one is served")

    def _keep(self, key: Hashable, kept: _Kept) -> None:
        if len(kept.body) > self.max_bytes:
            return
        with self._lock:
            self._kept.pop(key, None)
            self._kept[key] = kept
            total = sum(len(k.body) for k in self._kept.values())
            while total > self.max_bytes:
                _key, out = self._kept.popitem(last=False)
                total -= len(out.body)
