"""The terminal's sync engine: outbox up, statuses and catalog down. No Qt; the UI runs
`run_forever` in a background thread and gets a `SyncReport` after every pass.

Exactly once, by construction:
- an outbox entry is cleared only after the platform confirmed it (STORED or DUPLICATE);
  everything else leaves it pending, so a crash or a lost reply means "send again";
- sending again is harmless: the platform is idempotent by client UUID + content hash;
- materials go first (ask which are missing, upload those in chunks that resume where the
  platform's copy ends), so an application never arrives without its files;
- pulled changes are applied idempotently (by remote_id / catalog version) BEFORE the
  cursor moves, so a crash between the two only repeats harmless work.

An entry the platform refuses (4xx other than 408/409/429, a REJECTED or CONFLICT result)
is set aside with the platform's reason and the rest carry on. Network trouble stops the
pass; `run_forever` then waits with exponential backoff and full jitter, at least as long
as the platform's Retry-After says.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx

from forms.text import LocalizedError, Text
from sync.batches import Batch, BatchReader, ConfirmBehind, map_batch
from sync.client import PortalClient, default_client
from sync.errors import NotEnrolled, ProtocolError, Refused, SyncError
from sync.port import Entry, TerminalPort
from sync.progress import Backlog, ProgressMeter, SyncProgress
from sync.protocol import (
    MAX_BATCH,
    ApplicationIn,
    AuditHead,
    Outcome,
    PushRequest,
    PushResult,
    RatingIn,
    StatusEventIn,
    WireText,
)
from sync.report import Backoff, SyncReport
from sync.statuses import Status
from sync.supplements import note_files
from sync.uploads import CHUNK, Uploader

__all__ = ["Backoff", "SyncEngine", "SyncReport"]

log = logging.getLogger(__name__)
Apps = dict[str, tuple[Entry, ApplicationIn]]
Events = dict[str, tuple[Entry, StatusEventIn]]
Ratings = dict[str, tuple[Entry, RatingIn]]


def _reason(error: LocalizedError) -> str:
    return str(error.text)


class SyncEngine:
    """Syncs one terminal with its enrolled platform."""

    def __init__(
        self,
        terminal: TerminalPort,
        client_factory: Callable[[], httpx.Client] | None = None,
        batch_size: int = 50,
        chunk_size: int = CHUNK,
        on_progress: Callable[[SyncProgress], None] | None = None,
    ) -> None:
        self.terminal = terminal
        #: Told what is left after every file, chunk and batch (the window's status bar,
        #: the command line's bar); called one at a time, from the engine's upload threads.
        self.on_progress = on_progress
        self.client_factory = client_factory or default_client
        self.batch_size = min(batch_size, MAX_BATCH)
        self.uploader = Uploader(terminal.material_path, chunk_size)
        self.confirms = ConfirmBehind()  # each batch's clearing, written behind
        self.wakeup = threading.Event()
        self.stopping = threading.Event()  # set by run_forever's stop_event, or by stop()

    # -- one pass ------------------------------------------------------------------------
    def run_once(self) -> SyncReport:
        """Push what is due, then pull changes, also when the push failed: a status set in
        the back office must reach the counter while a flaky link keeps failing uploads
        (before, a pass pulled only after all its pushes succeeded, and under faults a
        status arrived dozens of passes late). Not after the platform refused this terminal
        or asked it to wait (`SyncReport.may_pull`). Raises NotEnrolled, and the local store's own
        errors (CounterError: disk full...); every problem with the platform or the network
        is in `report.errors` (the outbox keeps whatever was not confirmed)."""
        url, token = self.terminal.portal_url, self.terminal.token
        if not url or not token:
            raise NotEnrolled()
        report = SyncReport()
        meter = ProgressMeter(self.terminal.backlog() if self.on_progress else Backlog(),
                              self.on_progress)  # fmt: skip
        self.uploader.meter = meter
        meter.begin()
        with self.client_factory() as http:
            client = PortalClient(url, token, http)
            try:
                self._push_all(client, report, meter)
            except SyncError as exc:
                report.errors.append(exc)
            if self.stopping.is_set() or not report.may_pull:
                return report
            try:
                self._pull(client, report)
            except SyncError as exc:
                report.errors.append(exc)
        if client.clock is not None:  # any reply tells the platform's time, even a refusal
            report.clock = client.clock
            self.terminal.note_clock(client.clock)
        return report

    def _push_all(self, client: PortalClient, report: SyncReport, meter: ProgressMeter) -> None:
        """Batch after batch, in outbox order, until nothing is due; each batch is read and
        mapped while the one before is on the wire (`sync.batches`). Between batches a stop
        request is honoured, so closing the app never waits for a days-long backlog."""
        port = self.terminal
        hall = port.hall  # a settings read: once per pass, not per application

        def read(after: int) -> Sequence[Entry]:
            return port.pending(self.batch_size, port.now(), after)

        def build(entries: Sequence[Entry]) -> Batch:
            return map_batch(entries, hall, port.sign_receipt)

        with BatchReader(read, build) as reader, self.confirms:
            while not self.stopping.is_set():
                batch = reader.next()
                if batch is None:
                    return
                applications = len(batch.apps)
                self._push_batch(client, batch, report)
                meter.applications_done(applications)

    def _push_batch(self, client: PortalClient, batch: Batch, report: SyncReport) -> None:
        for entry, exc in batch.unmappable:
            self._set_aside(entry, _reason(exc), report)
        apps, events, ratings, entries = batch.apps, batch.events, batch.ratings, batch.entries
        try:
            apps = self._upload_for(client, apps, report)
            events = self._upload_for_events(client, events, report)
            if apps or events or ratings:
                self._send(client, apps, events, ratings, report)
        except SyncError as exc:  # the pass stops here; note why on the waiting entries
            self._note_retry(entries, exc)
            raise

    def _note_retry(self, entries: Sequence[Entry], exc: SyncError) -> None:
        """Record the failure on entries still pending (the clerk sees the last error);
        they stay due at once: when to try again is `run_forever`'s backoff."""
        self.confirms.settle()
        self.terminal.note_retry([e.id for e in entries], str(exc.text), self.terminal.now())

    def _send(
        self,
        client: PortalClient,
        apps: Apps,
        events: Events,
        ratings: Ratings,
        report: SyncReport,
    ) -> None:
        req = PushRequest(
            applications=[a for _, a in apps.values()],
            events=[e for _, e in events.values()],
            ratings=[r for _, r in ratings.values()],
            audit_head=self._audit_head(),
        )
        try:
            reply = client.push(req)
        except Refused as exc:
            if exc.status_code == 409:  # "not now" (e.g. a proxy in the way): try again later
                raise
            self._refused_batch(client, apps, events, ratings, exc, report)
            return
        done: list[int | None] = []
        try:
            for result in reply.results:
                if result.uuid in apps:
                    done.append(self._settle(client, apps.pop(result.uuid), result, report))
            for res in reply.event_results:
                entry = _pop_entry(events, res.event_id) or _pop_entry(ratings, res.event_id)
                if entry is not None:
                    done.append(self._settle_event(entry, res.outcome, res.reason, report))
        finally:  # what was confirmed stays confirmed even if a retry inside fails
            cleared = [entry_id for entry_id in done if entry_id is not None]
            # one transaction (one fsync) per batch, written behind (`sync.batches`): the
            # entries cleared and the audit head the platform now holds (the next anchor)
            self.confirms.submit(self.terminal.confirm, cleared, req.audit_head)
            report.confirmed += len(cleared)
        if apps or events or ratings:
            raise ProtocolError("push reply misses results")

    def _refused_batch(
        self,
        client: PortalClient,
        apps: Apps,
        events: Events,
        ratings: Ratings,
        exc: Refused,
        report: SyncReport,
    ) -> None:
        """A 4xx for the whole batch: send one by one, so only the bad entry is set aside."""
        singles: list[tuple[Apps, Events, Ratings]] = [({k: v}, {}, {}) for k, v in apps.items()]
        singles += [({}, {k: v}, {}) for k, v in events.items()]
        singles += [({}, {}, {k: v}) for k, v in ratings.items()]
        if len(singles) == 1:
            entries = [e for e, _ in apps.values()] + [e for e, _ in events.values()]
            self._set_aside((entries + [e for e, _ in ratings.values()])[0], _reason(exc), report)
            return
        for a, e, r in singles:
            self._send(client, a, e, r, report)

    def _settle(
        self,
        client: PortalClient,
        pair: tuple[Entry, ApplicationIn],
        result: PushResult,
        report: SyncReport,
        retried: bool = False,
    ) -> int | None:
        """Act on one application's outcome; returns the entry ID when it may be cleared."""
        entry, app = pair
        if result.outcome in (Outcome.STORED, Outcome.DUPLICATE):
            if result.outcome is Outcome.STORED:
                report.pushed.append(app.receipt_no)
            return entry.id
        if result.outcome is Outcome.MISSING_MATERIALS and not retried:
            return self._upload_and_retry(client, pair, result, report)
        reason = result.reason.text() if result.reason else Text(result.outcome, result.outcome)
        state = "conflict" if result.outcome is Outcome.CONFLICT else "rejected"
        self._set_aside(entry, str(reason), report, app.receipt_no, state)
        return None

    def _upload_and_retry(
        self,
        client: PortalClient,
        pair: tuple[Entry, ApplicationIn],
        result: PushResult,
        report: SyncReport,
    ) -> int | None:
        """The platform lacks files it was said to have: upload them, push once more."""
        entry, app = pair
        failed = self.uploader.upload_all(client, result.missing, report)
        if failed:
            self._set_aside(entry, str(next(iter(failed.values()))), report, app.receipt_no)
            return None
        try:
            again = client.push(PushRequest(applications=[app]))
        except Refused as exc:
            self._set_aside(entry, _reason(exc), report, app.receipt_no)
            return None
        if not again.results:
            raise ProtocolError("push reply misses results")
        return self._settle(client, pair, again.results[0], report, retried=True)

    def _settle_event(
        self, entry: Entry, outcome: Outcome, reason: WireText | None, report: SyncReport
    ) -> int | None:
        if outcome in (Outcome.STORED, Outcome.DUPLICATE):
            return entry.id
        text = reason.text() if reason else Text(outcome, outcome)
        self._set_aside(entry, str(text), report)
        return None

    def _set_aside(
        self,
        entry: Entry,
        reason: str,
        report: SyncReport,
        label: str | None = None,
        state: str = "rejected",
    ) -> None:
        self.confirms.settle()
        self.terminal.set_aside(entry.id, reason, state)
        shown = label or str(entry.payload.get("receipt_no") or entry.entity_uuid)
        report.set_aside.append((shown, reason))

    def _audit_head(self) -> AuditHead:
        """The chain head, anchored at the head the platform confirmed last time."""
        self.confirms.settle()  # the last batch's confirmation sets that anchor
        return self.terminal.audit_head()

    # -- materials -----------------------------------------------------------------------
    def _upload_for(
        self,
        client: PortalClient,
        apps: Apps,
        report: SyncReport,
    ) -> Apps:
        """Upload the files these applications need, before the applications. One whose
        file cannot go up (too large, gone locally) is set aside; the others go on."""
        needed: dict[str, list[str]] = {}
        for uuid, (_, app) in apps.items():
            for sha in app.files():
                needed.setdefault(sha, []).append(uuid)
        failed = self.uploader.upload_missing(client, list(needed), report)
        for sha, reason in failed.items():
            for uuid in needed[sha]:
                if uuid in apps:
                    entry, app = apps.pop(uuid)
                    self._set_aside(entry, str(reason), report, app.receipt_no)
        return apps

    def _upload_for_events(
        self, client: PortalClient, events: Events, report: SyncReport
    ) -> Events:
        """A supplement taken at a window names its files in the event's note
        (`sync.supplements`): they go up first, like an application's; an event whose file
        cannot go up is set aside."""
        needed: dict[str, list[str]] = {}
        for key, (_, ev) in events.items():
            for sha in note_files(ev.note) if ev.status == Status.SUPPLEMENTED else ():
                needed.setdefault(sha, []).append(key)
        failed = self.uploader.upload_missing(client, list(needed), report) if needed else {}
        for sha, reason in failed.items():
            for key in needed[sha]:
                if key in events:
                    self._set_aside(events.pop(key)[0], str(reason), report)
        return events

    # -- pull ----------------------------------------------------------------------------
    def _pull(self, client: PortalClient, report: SyncReport) -> None:
        """Page after page of changes; each page and the cursor that covers it are one
        transaction on the terminal (`TerminalPort.apply_changes`), where a change that
        fails is reported and rolled back alone and the others of the page stay. The next
        page is fetched while one is applied (its cursor is in the reply): the round trip
        overlaps the terminal's writes. Pages are applied in order on this thread, so the
        cursor is always where the last applied page put it."""
        cursor = self.terminal.cursor()
        reply = client.changes(cursor)
        with ThreadPoolExecutor(1, thread_name_prefix="sync-pull") as ahead:
            while True:
                if reply.cursor < cursor:
                    raise ProtocolError(f"cursor went back from {cursor} to {reply.cursor}")
                coming = ahead.submit(client.changes, reply.cursor) if reply.more else None
                applied = self.terminal.apply_changes(reply)
                report.statuses_pulled += applied.statuses
                report.catalog_updates += applied.catalog
                report.errors += applied.errors
                cursor = reply.cursor
                if coming is None:
                    return
                reply = coming.result()

    # -- background ----------------------------------------------------------------------
    def run_forever(
        self,
        stop_event: threading.Event,
        on_report: Callable[[SyncReport], None],
        idle: float = 30.0,
        backoff: Backoff | None = None,
    ) -> None:
        """Pass after pass until `stop_event` is set (or `stop()` is called, which also ends
        the wait and the current pass between batches). After a failed pass, wait per
        `backoff` (at least Retry-After); after a clean one, `idle` seconds (a pass already
        sends everything that is due)."""
        backoff = backoff or Backoff()
        self.stopping = stop_event
        while not stop_event.is_set():
            report = self._guarded_once()
            on_report(report)
            if report.errors:
                delay = backoff.next_delay(report.retry_after)
            else:
                backoff.reset()
                delay = idle
            if stop_event.is_set():
                return
            self.wakeup.wait(delay)
            self.wakeup.clear()

    def wake(self) -> None:
        """Start the next pass now (e.g. right after an intake)."""
        self.wakeup.set()

    def stop(self) -> None:
        """Ask `run_forever` to end: after the current batch, without waiting out a delay."""
        self.stopping.set()
        self.wakeup.set()

    def _guarded_once(self) -> SyncReport:
        try:
            return self.run_once()
        except LocalizedError as exc:  # NotEnrolled, or the local store failing
            return SyncReport(errors=[exc])
        except Exception as exc:  # never let the background thread die silently
            log.exception("sync pass failed")
            text = Text(f"同步出错：{exc!r}", f"Sync failed: {exc!r}")
            return SyncReport(errors=[SyncError(text)])


def _pop_entry(pairs: Events | Ratings, event_id: str) -> Entry | None:
    pair = pairs.pop(event_id, None)
    return pair[0] if pair is not None else None
