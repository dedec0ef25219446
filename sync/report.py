"""What one sync pass did (`SyncReport`), and how long to wait after a failed one
(`Backoff`): the two things the UI's sync indicator and `run_forever` look at."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from forms.text import LocalizedError
from sync.clock import ClockReading
from sync.errors import Revoked, ServerBusy, Unauthorized, Unreachable


@dataclass
class SyncReport:
    """What one pass did; `errors` holds what stopped it or was skipped (never raised)."""

    pushed: list[str] = field(default_factory=list)  # receipt numbers stored now
    confirmed: int = 0  # entries cleared (stored + duplicates + events)
    materials_uploaded: int = 0
    bytes_uploaded: int = 0
    statuses_pulled: list[tuple[str, str]] = field(default_factory=list)  # (receipt, status)
    catalog_updates: list[tuple[str, int]] = field(default_factory=list)
    set_aside: list[tuple[str, str]] = field(default_factory=list)  # (receipt/uuid, reason)
    errors: list[LocalizedError] = field(default_factory=list)
    clock: ClockReading | None = None  # the platform's clock as this pass measured it

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unreachable(self) -> bool:
        return any(isinstance(e, Unreachable) for e in self.errors)

    @property
    def may_pull(self) -> bool:
        """Whether a pass whose push ended with these errors still pulls: yes after network
        trouble or a broken reply; no when the platform does not know or accept this
        terminal (401/403) or asked it to come back later (429/503)."""
        return not any(isinstance(e, Unauthorized | Revoked | ServerBusy) for e in self.errors)

    @property
    def retry_after(self) -> float | None:
        waits = [e.retry_after for e in self.errors if isinstance(e, Unreachable)]
        return max((w for w in waits if w is not None), default=None)


class Backoff:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**n)), but never
    shorter than the platform's Retry-After. Full jitter spreads a hall's terminals out
    when the platform comes back, instead of all of them knocking at once."""

    def __init__(
        self, base: float = 1.0, cap: float = 300.0, rng: random.Random | None = None
    ) -> None:
        self.base, self.cap, self.attempt = base, cap, 0
        self.rng = rng or random.Random()

    def next_delay(self, retry_after: float | None = None) -> float:
        ceiling = min(self.cap, self.base * 2**self.attempt)
        self.attempt += 1
        return max(self.rng.uniform(0, ceiling), retry_after or 0.0)

    def reset(self) -> None:
        self.attempt = 0
