"""Outbox batches for the push: read and mapped onto the wire one batch ahead.

The engine spends most of a push waiting for the platform's reply (its socket read releases
the GIL), and the platform works on the other core. Reading the next batch from the outbox
and building its protocol models (~0.1 ms per application: pydantic, the content hash, JSON)
is done meanwhile, on a small reader thread, so it overlaps the wait instead of adding to it.

Only reading and mapping happen ahead; every HTTP request stays on the engine's thread.
Batches follow each other by outbox ID, so an entry is never in two batches of a pass.

A confirmed batch is cleared behind (`ConfirmBehind`): its transaction and fsync run on a
writer thread while the engine already sends the next batch's file query. Writes stay in
order: the engine waits for it before its next write to the store and before it reads the
audit anchor that write sets. A crash before it commits only means those entries are sent
again, which the platform answers DUPLICATE (exactly once holds by construction).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType

from forms.text import Text
from sync import outbound
from sync.port import Entry
from sync.protocol import ApplicationIn, RatingIn, StatusEventIn

#: How long the reader waits to hand over a batch before it looks at the stop flag again.
_POLL_S = 0.1


@dataclass
class Batch:
    """One batch of outbox entries, mapped; `unmappable` entries get set aside."""

    entries: Sequence[Entry]
    apps: dict[str, tuple[Entry, ApplicationIn]] = field(default_factory=dict)
    events: dict[str, tuple[Entry, StatusEventIn]] = field(default_factory=dict)
    ratings: dict[str, tuple[Entry, RatingIn]] = field(default_factory=dict)
    unmappable: list[tuple[Entry, outbound.OutboundError]] = field(default_factory=list)


def map_batch(entries: Sequence[Entry], hall: str, sign: outbound.Signer | None) -> Batch:
    """The wire form of each entry, by kind (see `sync.outbound`)."""
    batch = Batch(entries)
    for entry in entries:
        try:
            _map_one(batch, entry, hall, sign)
        except outbound.OutboundError as exc:
            batch.unmappable.append((entry, exc))
    return batch


def _map_one(batch: Batch, entry: Entry, hall: str, sign: outbound.Signer | None) -> None:
    if entry.kind == "submission":
        batch.apps[entry.entity_uuid] = (entry, outbound.application(entry.payload, hall, sign))
    elif entry.kind == "status":
        ev = outbound.status_event(entry.id, entry.payload)
        batch.events[ev.event_id] = (entry, ev)
    elif entry.kind == "rating":
        r = outbound.rating(entry.id, entry.payload)
        batch.ratings[r.event_id] = (entry, r)
    else:
        raise outbound.OutboundError(
            Text(f"未知的同步类型：{entry.kind}", f"Unknown outbox kind: {entry.kind}")
        )


class BatchReader:
    """Batches one ahead, from a reader thread. `read(after_id)` gives the next due entries
    with IDs above `after_id` (empty: done); `build(entries)` maps them. Use as a context
    manager; `next()` gives the next batch or None, and raises whatever the reader raised
    (a store error, say) on the engine's thread."""

    def __init__(
        self, read: Callable[[int], Sequence[Entry]], build: Callable[[Sequence[Entry]], Batch]
    ) -> None:
        self._read, self._build = read, build
        self._queue: queue.Queue[Batch | BaseException | None] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sync-batch-reader", daemon=True)

    def __enter__(self) -> BatchReader:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def next(self) -> Batch | None:
        item = self._queue.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def _run(self) -> None:
        after = 0
        try:
            while not self._stop.is_set():
                entries = self._read(after)
                if not entries:
                    break
                after = max(e.id for e in entries)
                self._hand_over(self._build(entries))
        except BaseException as exc:  # handed to the engine's thread, raised there
            self._hand_over(exc)
            return
        self._hand_over(None)

    def _hand_over(self, item: Batch | BaseException | None) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_S)
                return
            except queue.Full:
                continue


class ConfirmBehind:
    """One store write at a time on a writer thread, the engine going on meanwhile.
    `submit(fn, *args)` waits for the write before (in order), `settle()` waits for the
    last one and raises what it raised; leaving the `with` block settles it."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._last: Future[None] | None = None

    def __enter__(self) -> ConfirmBehind:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.settle()
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def submit(self, fn: Callable[..., None], *args: object) -> None:
        self.settle()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="sync-confirm")
        self._last = self._pool.submit(fn, *args)

    def settle(self) -> None:
        last, self._last = self._last, None
        if last is not None:
            last.result()
