"""The terminal's side of the sync engine's port (`sync.port.TerminalPort`).

The engine lives in `sync/` and never imports `counter_app`; this adapter gives it the
outbox, the audit head, the pulled-changes writer and the receipt signer of one `Terminal`.
Each method is one visit to the store; see `sync.port` for the contract.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from counter_app.store import audit, outbox
from forms.text import LocalizedError
from sync.clock import ClockReading, as_settings
from sync.port import Applied, Entry
from sync.progress import Backlog
from sync.protocol import AuditHead, ChangesReply

if TYPE_CHECKING:
    from counter_app.store.db import Store
    from counter_app.terminal import Terminal

log = logging.getLogger(__name__)
#: A pulled change's writer: `fn(store, *fields)`, truthy when it changed something.
_Change = Callable[..., object]
CURSOR_KEY = "sync_cursor"
#: The audit seq whose head the platform confirmed last (the next push's anchor).
ANCHOR_KEY = "audit_anchor_seq"


class StorePort:
    """`sync.port.TerminalPort` over one open terminal."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.store: Store = terminal.store

    @property
    def portal_url(self) -> str | None:
        url: str | None = self.terminal.portal_url
        return url

    @property
    def token(self) -> str | None:
        token: str | None = self.terminal.token
        return token

    @property
    def hall(self) -> str:
        return str(self.terminal.hall)

    def now(self) -> datetime:
        return self.terminal.now()

    def note_clock(self, reading: ClockReading) -> None:
        with self.store.transaction():
            for key, value in as_settings(reading).items():
                self.store.set_setting(key, value)

    def sign_receipt(
        self, receipt_no: str, service_code: str, accepted_at: str, terminal_id: str
    ) -> str | None:
        """For applications taken before intake stored the payload: a receipt that cannot
        be signed still goes up, without proof."""
        from printing.qr_payload import sign_payload  # cryptography: only for old entries

        try:
            when = datetime.fromisoformat(accepted_at)
            key = self.terminal.private_key()
            return sign_payload(key, receipt_no, service_code, when, terminal_id)
        except (LocalizedError, ValueError):
            log.warning("cannot sign payload for %s", receipt_no, exc_info=True)
            return None

    def material_path(self, sha256: str) -> Path:
        return self.terminal.materials.path_for(sha256)

    # -- push ----------------------------------------------------------------------------
    def backlog(self) -> Backlog:
        return Backlog(*outbox.backlog_size(self.store))

    def pending(self, limit: int, now: datetime, after_id: int) -> list[Entry]:
        return [
            Entry(e.id, e.kind, e.entity_uuid, e.payload)
            for e in outbox.pending(self.store, limit, now, after_id=after_id)
        ]

    def audit_head(self) -> AuditHead:
        seq, head = audit.head(self.store)
        anchor = int(self.store.get_setting(ANCHOR_KEY) or 0)
        if not anchor:
            return AuditHead(seq=seq, hash=head)
        now = self.store.scalar("SELECT hash FROM audit_log WHERE seq = ?", (anchor,))
        return AuditHead(seq=seq, hash=head, anchor_seq=anchor, anchor_hash=now or "")

    def confirm(self, cleared: Sequence[int], head: AuditHead | None) -> None:
        """One transaction (one fsync) per batch."""
        with self.store.transaction():
            if head is not None and head.seq:
                self.store.set_setting(ANCHOR_KEY, str(head.seq))
            outbox.mark_done(self.store, cleared)

    def set_aside(self, entry_id: int, reason: str, state: str) -> None:
        outbox.set_aside(self.store, entry_id, reason, state)

    def note_retry(self, entry_ids: Sequence[int], error: str, at: datetime) -> None:
        """The entries stay due at once: when to try again is the engine's backoff."""
        outbox.mark_retry(self.store, entry_ids, error, at)

    # -- pull ----------------------------------------------------------------------------
    def cursor(self) -> int:
        return int(self.store.get_setting(CURSOR_KEY) or 0)

    def apply_changes(self, reply: ChangesReply) -> Applied:
        """The page and the cursor that covers it are one transaction (one fsync, and the
        cursor can never disagree with what was applied); each change is a savepoint."""
        # start-up: each writer is imported when a page brings its kind of change (they
        # pull in the forms model and YAML, which a pass with nothing to pull never needs)
        applied = Applied()
        with audit.one_head_write(self.store):
            own = self.terminal.terminal_id
            if reply.statuses:
                from counter_app.intake import deferral
            for st in reply.statuses:
                if st.terminal_id is not None and st.terminal_id == own:
                    continue  # this terminal's own event, echoed back: recorded already
                args = (st.uuid, st.status, st.note, st.at, st.remote_id)
                if self._apply(applied, deferral.apply_remote, *args):
                    applied.statuses.append((st.receipt_no, st.status))
            if reply.ratings:
                from counter_app.store.remote_ratings import apply_remote_rating
            for rt in reply.ratings:
                self._apply(applied, apply_remote_rating, rt)
            if reply.catalog:
                from counter_app.store.catalog import import_catalog_item
            for item in reply.catalog:
                if self._apply(applied, import_catalog_item, item.definition):
                    applied.catalog.append((item.code, item.version))
            if reply.calendar:
                from counter_app.store.calendar import store_year
            for year in reply.calendar:
                if self._apply(applied, store_year, year.year, year.entry):
                    applied.catalog.append(("calendar", year.year))
            self.store.set_setting(CURSOR_KEY, str(reply.cursor))
        return applied

    def _apply(self, applied: Applied, fn: _Change, *args: object) -> bool:
        """`fn(store, *args)` in a savepoint; its error is noted and the page goes on,
        unless SQLite itself ended the page's transaction (a full disk): then it is raised
        and the whole page comes again next time."""
        try:
            with self.store.savepoint():
                return bool(fn(self.store, *args))
        except LocalizedError as exc:
            if not self.store.conn.in_transaction:
                raise
            applied.errors.append(exc)
            return False
