"""A replaced terminal keeps its work (issue 16): moving a window to a new PC.

Two ways to carry the work, documented step by step in docs/it-guide.md:

- **uploaded first**: on the old PC `counter-app retire` syncs until the outbox (and so
  every file it names) is empty, and says what is left when it cannot (`retire`);
- **carried by a signed backup**: `counter-app backup` there, `counter-app restore` on the
  new PC (`counter_app.ops.backup`), the waiting outbox and unsent files included.

Then the new PC enrolls with a replacement code (`portal replace-code TERMINAL`), keeping
the terminal ID. At every enrollment the platform tells the highest receipt number it holds
from that ID; `after_enroll` raises the day's counter to it, so numbering continues above
max(platform, restored backup) and never repeats. After a replacement it records what was
moved (`MOVED` setting, audited) and `doctor` shows it (`check_moved`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from counter_app.store import audit, outbox
from forms.text import Text
from sync.protocol import EnrollReply
from sync.receipt_numbers import (
    SEQ_SLICE,
    decode,
    is_valid_receipt_no,
    normalise_receipt_no,
    receipt_day,
)

if TYPE_CHECKING:
    import httpx

    from counter_app.ops.doctor import Context, Finding
    from counter_app.store.db import Store
    from counter_app.terminal import Terminal

MOVED = "moved_from"  # settings key: what the last replacement carried, as JSON
MAX_PASSES = 20


def raise_counter(store: Store, receipt_no: str) -> None:
    """Number above `receipt_no` on its day (inside the caller's transaction); a counter
    already higher (a restored backup that saw more) stays."""
    if not is_valid_receipt_no(receipt_no):
        return
    compact = normalise_receipt_no(receipt_no)
    store.execute(
        "INSERT INTO receipt_counters (day, last_seq) VALUES (?, ?) ON CONFLICT(day) "
        "DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)",
        (receipt_day(compact).toordinal(), decode(compact[SEQ_SLICE])),
    )


def after_enroll(terminal: Terminal, reply: EnrollReply) -> None:
    """Inside the enrollment's transaction: number above what the platform holds; after a
    replacement, record (and audit) what this PC carries and from which old key."""
    raise_counter(terminal.store, reply.last_receipt_no)
    if not reply.replaced_key:
        return
    moved = summary(terminal, reply)
    terminal.store.set_setting(MOVED, json.dumps(moved, ensure_ascii=False))
    audit.append(terminal.store, "system", "terminal.replace", reply.terminal_id, moved)


def summary(terminal: Terminal, reply: EnrollReply) -> dict[str, Any]:
    """What was moved onto this PC: counts, the last receipt number carried, the old key."""
    store = terminal.store
    local = str(store.scalar("SELECT COALESCE(MAX(receipt_no), '') FROM submissions"))
    count, _ = outbox.backlog(store)
    return {
        "terminal_id": reply.terminal_id,
        "applications": int(store.scalar("SELECT COUNT(*) FROM submissions")),
        "materials": int(store.scalar("SELECT COUNT(*) FROM materials")),
        "outbox": count,
        "last_receipt_local": local,
        "last_receipt_platform": reply.last_receipt_no,
        "old_key": reply.replaced_key,
        "old_key_since": reply.replaced_key_since,
        "new_key": hashlib.sha256(terminal.public_key_bytes()).hexdigest()[:16],
        "at": terminal.now().isoformat(),
    }


@dataclass
class Left:
    """What `retire` could not send: waiting entries (their receipt numbers), set-aside
    entries with the reason, and the last error of the platform or the network."""

    waiting: list[str] = field(default_factory=list)
    set_aside: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unreachable: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.waiting or self.set_aside)


def retire(
    terminal: Terminal,
    client_factory: Callable[[], httpx.Client] | None = None,
    passes: int = MAX_PASSES,
) -> Left:
    """Sync until nothing waits (each pass pushes every batch and uploads their files),
    stopping early when a pass makes no progress; then what is left, by receipt number."""
    from counter_app.store.sync_port import StorePort
    from sync.engine import SyncEngine

    engine = SyncEngine(StorePort(terminal), client_factory)
    left = Left()
    for _ in range(passes):
        before, _oldest = outbox.backlog(terminal.store)
        if before == 0:
            break
        report = engine.run_once()
        left.errors = [e.message("en") for e in report.errors]
        left.unreachable = report.unreachable
        if outbox.backlog(terminal.store)[0] >= before:
            break  # no progress: the platform or the network says why (errors)
    ever = terminal.now() + timedelta(days=36_500)  # waiting, whenever due
    left.waiting = [
        _label(e.payload, e.entity_uuid) for e in outbox.pending(terminal.store, 10_000, ever)
    ]
    left.set_aside = [
        (_label(e.payload, e.entity_uuid), e.last_error or "")
        for e in outbox.set_aside_entries(terminal.store)
    ]
    return left


def _label(payload: dict[str, Any], uuid: str) -> str:
    return str(payload.get("receipt_no") or uuid)


def check_moved(ctx: Context) -> list[Finding]:
    """`doctor`: after a replacement, what this PC carried and from which old key."""
    from counter_app.ops.doctor import Finding, Level

    raw = ctx.settings.get(MOVED)
    if not raw:
        return []
    m = json.loads(raw)
    last = max(m.get("last_receipt_local", ""), m.get("last_receipt_platform", ""))
    text = Text(
        f"本机于 {m['at'][:16]} 接替终端 {m['terminal_id']}（原密钥 {m['old_key']}，"
        f"自 {m['old_key_since'][:10]} 起使用）：带来申请 {m['applications']} 件、"
        f"材料文件 {m['materials']} 个、待上传 {m['outbox']} 项；编号从 {last or '-'} 之后继续",
        f"replaced terminal {m['terminal_id']} on {m['at'][:16]} (old key {m['old_key']}, "
        f"used since {m['old_key_since'][:10]}): moved {m['applications']} applications, "
        f"{m['materials']} material files, {m['outbox']} outbox items waiting; numbering "
        f"continues after {last or '-'}",
    )
    return [Finding("moved", Level.OK, text)]
