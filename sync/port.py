"""What the sync engine needs of the terminal, as a typed port.

The engine (`sync.engine`) never imports `counter_app`: it talks to a `TerminalPort`, which
`counter_app.store.sync_port.StorePort` implements over the terminal's store. Each method is one
visit to the store (one query or one transaction), so a push batch costs: read the batch,
read the audit head, then one transaction to clear what the platform confirmed (plus one per
entry set aside, and one to note a failed pass on what is still pending).

Enrollment likewise returns what it learnt (`sync.enroll.enroll`); the terminal writes its
settings and its audit entry itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from forms.text import LocalizedError
from sync.clock import ClockReading
from sync.progress import Backlog
from sync.protocol import AuditHead, ChangesReply


@dataclass(frozen=True, slots=True)
class Entry:
    """One outbox entry due to go up. `payload` is JSON: for "submission" the wire record
    (`ApplicationIn` JSON, or an older terminal's snapshot), for "status"/"rating" the event."""

    id: int
    kind: str
    entity_uuid: str
    payload: Mapping[str, object]


@dataclass
class Applied:
    """What one page of pulled changes did on the terminal."""

    statuses: list[tuple[str, str]] = field(default_factory=list)  # (receipt_no, status)
    catalog: list[tuple[str, int]] = field(default_factory=list)  # (item code, version)
    errors: list[LocalizedError] = field(default_factory=list)  # changes that failed alone


class TerminalPort(Protocol):
    """The terminal as the sync engine sees it."""

    @property
    def portal_url(self) -> str | None: ...
    @property
    def token(self) -> str | None: ...
    @property
    def hall(self) -> str: ...

    def now(self) -> datetime: ...

    def sign_receipt(
        self, receipt_no: str, service_code: str, accepted_at: str, terminal_id: str
    ) -> str | None:
        """The receipt's signed QR payload, None when it cannot be signed."""
        ...

    def material_path(self, sha256: str) -> Path:
        """Where the material file with this SHA-256 is kept."""
        ...

    def backlog(self) -> Backlog:
        """What waits to go up (for the progress of a pass; read once when it begins)."""
        ...

    def pending(self, limit: int, now: datetime, after_id: int) -> Sequence[Entry]:
        """Entries due by `now` with IDs above `after_id`, oldest first."""
        ...

    def audit_head(self) -> AuditHead:
        """The audit chain's head, anchored at the head the platform confirmed last."""
        ...

    def confirm(self, cleared: Sequence[int], head: AuditHead | None) -> None:
        """One transaction: these entries are done, the platform now holds `head`."""
        ...

    def set_aside(self, entry_id: int, reason: str, state: str) -> None:
        """The platform refused this entry ("rejected" or "conflict"): park it."""
        ...

    def note_retry(self, entry_ids: Sequence[int], error: str, at: datetime) -> None:
        """A pass stopped: record `error` on those of these entries still pending."""
        ...

    def note_clock(self, reading: ClockReading) -> None:
        """Keep the pass's reading of the platform's clock (`sync.clock`)."""
        ...

    def cursor(self) -> int:
        """Where the changes feed was read up to."""
        ...

    def apply_changes(self, reply: ChangesReply) -> Applied:
        """One transaction: apply the page (each change alone, a failing one reported and
        rolled back by itself) and move the cursor to `reply.cursor`. Raises the store's
        own error when the store itself failed (a full disk): the page comes again."""
        ...
