"""Retention: the scanned documents of finished work leave the terminal after N days, and the
database stays compact.

What is purged, and why only that:
- a material FILE is deleted when every application that uses it is synced (the platform
  holds it) and settled (nobody will ask for it at the counter), and settled more than
  `days` ago. Its rows stay (hash, size, type), so the application still lists what was given.
- the applicant's "reuse this copy" entries for a purged file go too, so the next intake asks
  for a fresh copy instead of offering one that is gone.
- the signature is kept (a few KB): an old receipt can still be reprinted.
- sync outbox entries the platform confirmed more than `days` ago are deleted: they hold a
  full copy of each application and are never read again.
Every purge writes one audit entry with counts (never who or what).

Compaction: when more than a quarter of the database's pages are free, VACUUM.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from counter_app.config import Config
from counter_app.errors import StoreError
from counter_app.ops.backup import scheduled_backup
from counter_app.store import audit
from counter_app.terminal import Terminal
from sync.statuses import SETTLED

FREE_SHARE_FOR_VACUUM = 0.25


@dataclass(frozen=True, slots=True)
class PurgeReport:
    applications: int  # applications whose materials were all purged
    files: int
    bytes: int
    outbox_entries: int
    vacuumed: bool


def _marks(n: int) -> str:
    return ",".join("?" for _ in range(n))


_SETTLED = tuple(sorted(s.value for s in SETTLED))
#: Material hashes every one of whose applications is synced, settled before the cutoff;
#: one GROUP BY pass (a correlated NOT EXISTS per row took seconds at 4,000 files).
_PURGEABLE = f"""
SELECT sm.sha256 FROM submission_materials sm JOIN submissions s ON s.uuid = sm.uuid
WHERE sm.sha256 NOT IN (SELECT signature FROM submissions WHERE signature IS NOT NULL)
GROUP BY sm.sha256
HAVING MIN(s.sync_state = 'synced' AND s.status IN ({_marks(len(_SETTLED))})
           AND s.settled_at < ?) = 1
"""


def purge(
    terminal: Terminal, days: int, now: datetime | None = None, dry_run: bool = False
) -> PurgeReport:
    """Purge what `days` of retention allow (0 = keep everything). With `dry_run`, count
    only. The database commits first and the files go after, so a crash in between leaves
    unreferenced files, never rows pointing at nothing they should."""
    if days <= 0:
        return PurgeReport(0, 0, 0, 0, False)
    store = terminal.store
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=days)).astimezone(UTC).isoformat()
    params = (*_SETTLED, cutoff)
    with store.transaction():
        shas = [r["sha256"] for r in store.query(_PURGEABLE, params)]
        shas = [s for s in shas if terminal.materials.exists(s)]
        apps = _count_apps(terminal, shas)
        size = sum(terminal.materials.path_for(s).stat().st_size for s in shas)
        outbox = int(
            store.scalar(
                "SELECT COUNT(*) FROM outbox WHERE state = 'done' AND created_at < ?", (cutoff,)
            )
        )
        if dry_run:
            return PurgeReport(apps, len(shas), size, outbox, False)
        _delete_rows(terminal, shas, cutoff)
        if shas or outbox:
            detail = {"days": days, "applications": apps, "files": len(shas), "outbox": outbox}
            audit.append(store, "system", "retention.purge", "", detail)
    for sha in shas:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(terminal.materials.path_for(sha))
    return PurgeReport(apps, len(shas), size, outbox, compact(terminal))


def _count_apps(terminal: Terminal, shas: list[str]) -> int:
    if not shas:
        return 0
    return int(
        terminal.store.scalar(
            "SELECT COUNT(DISTINCT uuid) FROM submission_materials "
            "WHERE sha256 IN (SELECT value FROM json_each(?))",
            (json.dumps(shas),),
        )
    )


def _delete_rows(terminal: Terminal, shas: list[str], cutoff: str) -> None:
    store = terminal.store
    store.execute(
        "DELETE FROM applicant_materials WHERE sha256 IN (SELECT value FROM json_each(?))",
        (json.dumps(shas),),
    )
    store.execute("DELETE FROM outbox WHERE state = 'done' AND created_at < ?", (cutoff,))


def compact(terminal: Terminal, threshold: float = FREE_SHARE_FOR_VACUUM) -> bool:
    """VACUUM when more than `threshold` of the pages are free; returns whether it did.
    VACUUM rewrites the file outside any transaction and briefly blocks writes; it is
    skipped (False) when a write is in progress on the connection."""
    store = terminal.store
    pages = int(store.scalar("PRAGMA page_count") or 0)
    free = int(store.scalar("PRAGMA freelist_count") or 0)
    if not pages or free / pages <= threshold:
        return False
    try:
        store.execute("VACUUM")
    except StoreError:
        return False  # another thread is mid-transaction on the connection: next time
    return True


def housekeeping(
    terminal: Terminal, config: Config, now: datetime | None = None
) -> tuple[Path | None, PurgeReport]:
    """What the window calls on a timer (hourly is plenty): an automatic backup when one is
    due, then retention. Returns (new backup or None, purge report). Raises our errors
    (BackupError, StoreError) for the caller to show; nothing here needs the network."""
    interval = timedelta(hours=config.backup_interval_hours)
    made = scheduled_backup(terminal, config.backup_dir, config.backup_keep, interval, now)
    return made, purge(terminal, config.retention_days, now)
