"""Filling the platform's real schema with N generated applications, fast: the database of
the tracking-page, open-data and back-office benchmarks, and of the tests that compare the
grouped SQL counting with the old row-by-row counting.

The schema is the platform's own (`portal.db.Database` runs the migrations); the rows go
in through PostgreSQL's COPY (SQLite: `executemany` in one transaction), so a million
applications take minutes, not hours. What the rows look like: `halls` halls with windows,
clerks and terminals (each with a real tracking-code secret, so `tracking_code` opens the
page), applications on every day of `days` days ending at `end`, mostly 09:00-17:30 hall
time and a few late at night (across the UTC day line), 5% one-time notices, 2% voided;
statuses by age with their status events (sometimes two settled events: the first counts);
ratings with GB/T 39046 codes, bad ones with a rectification case, some replied; per-item
time limits for two items; a few times stored with a +08:00 offset instead of UTC.

Deterministic per (n, seed, end, days): the same call fills the same rows.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, text

from portal.db import Database
from portal.pages import rollup
from portal.pages.deadlines import HALL_TZ
from sync.receipt_numbers import encode, new_receipt_no

ITEMS = [f"GEN-{i:03d}" for i in range(12)]
LIMITS = {"GEN-000": 5, "GEN-003": 12}  # per-item limits set in the back office
SETTLE = ["approved", "rejected", "ready_for_pickup", "delivered"]
OPEN = ["received", "under_review", "supplement_needed", "supplemented"]
BATCH = 20_000


@dataclass(frozen=True)
class Terminal:
    terminal_id: str
    hall: str
    window: str
    secret: bytes


def terminals(halls: int, windows: int, seed: int) -> list[Terminal]:
    """`halls` × `windows` terminals with IDs in the receipt numbers' alphabet."""
    rnd = random.Random(seed)
    out = []
    for h in range(halls):
        for w in range(windows):
            number = h * windows + w
            tid = encode(number, 4)  # four characters of the receipt numbers' alphabet
            out.append(Terminal(tid, f"政务服务中心{h:03d}", str(w + 1), rnd.randbytes(32)))
    return out


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


class Rows:
    """The generated rows of one application at a time, appended per table."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.events = 0

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)

    def application(self, t: Terminal, day: date, seq: int, now: date) -> None:
        rnd = self.rnd
        minute = rnd.randrange(9 * 60, 17 * 60 + 30) if rnd.random() > 0.02 else rnd.randrange(1440)
        local = datetime.combine(day, time(minute // 60, minute % 60), HALL_TZ)
        at = local + timedelta(seconds=rnd.randrange(60), microseconds=rnd.randrange(10**6))
        uuid = f"{rnd.getrandbits(128):032x}"
        item = ITEMS[min(int(rnd.expovariate(0.35)), len(ITEMS) - 1)]
        notice = rnd.random() < 0.05
        status, events = self._history(at, day, now, notice)
        stored_at = at.isoformat(timespec="microseconds") if rnd.random() < 0.01 else _iso(at)
        due = (
            None
            if rnd.random() < 0.1
            else (day + timedelta(days=rnd.choice([1, 5, 10, 20]))).isoformat()
        )
        clerk = f"C{int(t.window):02d}{rnd.randrange(3)}"
        self.add("applications", {
            "uuid": uuid, "revision": 1, "receipt_no": new_receipt_no(day, t.terminal_id, seq),
            "terminal_id": t.terminal_id, "hall": t.hall, "window": t.window, "clerk_id": clerk,
            "kind": "notice" if notice else "acceptance", "service_code": item,
            "service_version": 1, "accepted_at": stored_at, "due_date": due, "status": status,
            "answers": '{"shop": "老王面馆"}', "applicant": '{"kind": "person", "name": "张三"}',
            "signature": None, "notice_items": "[]", "notice_uuid": None, "rating": None,
            "signed_payload": None, "content_hash": f"{rnd.getrandbits(256):064x}",
            "received_at": _iso(at), "updated_at": _iso(events[-1][1]),
        })  # fmt: skip
        for status_at in events:
            self._event(uuid, t, *status_at)
        if any(s in SETTLE for s, _ in events) and rnd.random() < 0.4:
            for k in range(1 + (rnd.random() < 0.1)):
                self._rating(uuid, t, clerk, item, events[-1][1], k)

    def _history(
        self, at: datetime, day: date, now: date, notice: bool
    ) -> tuple[str, list[tuple[str, datetime]]]:
        """The final status and the events that led there, by the application's age."""
        rnd = self.rnd
        events = [("notice_issued" if notice else "received", at)]
        if notice:
            return "notice_issued", events
        if rnd.random() < 0.02:
            events.append(("voided", at + timedelta(minutes=5)))
            return "voided", events
        age = (now - day).days
        if rnd.random() < min(0.95, age / 12):
            done = at + timedelta(days=rnd.randrange(0, 25), hours=rnd.randrange(24))
            events.append(("under_review", at + timedelta(hours=1)))
            events.append((rnd.choice(SETTLE), done))
            if rnd.random() < 0.05:  # picked up later: a second settled event
                events.append(("delivered", done + timedelta(days=2)))
            return events[-1][0], events
        if rnd.random() < 0.5:
            events.append((rnd.choice(OPEN[1:]), at + timedelta(hours=2)))
        return events[-1][0], events

    def _event(self, uuid: str, t: Terminal, status: str, at: datetime) -> None:
        self.events += 1
        source = "terminal" if status in ("received", "notice_issued", "voided") else "office"
        self.add("status_events", {
            "uuid": uuid, "status": status, "note": "", "source": source,
            "event_id": f"g-{uuid}-{self.events}", "at": _iso(at), "recorded_at": _iso(at),
            "terminal_id": t.terminal_id if source == "terminal" else None,
            "window": t.window if source == "terminal" else None,
        })  # fmt: skip

    def _rating(
        self, uuid: str, t: Terminal, clerk: str, item: str, after: datetime, k: int
    ) -> None:
        rnd = self.rnd
        code = rnd.choices([1, 2, 3, 4, 5], [50, 25, 12, 8, 5])[0]
        at = after + timedelta(hours=rnd.randrange(1, 200))
        rid = f"r-{uuid}-{k}"
        self.add("ratings", {
            "rating_id": rid, "app_uuid": uuid, "terminal_id": t.terminal_id, "hall": t.hall,
            "window": t.window, "clerk_id": clerk, "service_code": item, "region": "520100",
            "channel": "counter", "service_event": "acceptance", "code": code,
            "overall": code, "efficiency": None, "level": None, "attitude": None,
            "comment": "", "count": 1, "at": _iso(at), "received_at": _iso(at),
        })  # fmt: skip
        if code >= 4:
            replied = at + timedelta(days=rnd.randrange(1, 20)) if rnd.random() < 0.7 else None
            self.add("bad_cases", {
                "rating_id": rid, "app_uuid": uuid, "hall": t.hall, "opened_at": _iso(at),
                "replied_at": _iso(replied) if replied else None,
                "reply": "已整改" if replied else None,
            })  # fmt: skip


def generate(
    n: int, seed: int, end: date, days: int, halls: int = 20, windows: int = 8
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Batches of rows ({table: rows}) for `n` applications spread over `days` days."""
    terms = terminals(halls, windows, seed)
    yield {"terminals": [_terminal_row(t, end - timedelta(days=days)) for t in terms]}
    stamp = _iso(datetime.combine(end, time(0), UTC))
    limits = [{"service_code": c, "working_days": d} for c, d in LIMITS.items()]
    yield {"item_limits": [row | {"updated_by": "gen", "updated_at": stamp} for row in limits]}
    rows = Rows(seed)
    seqs: dict[tuple[str, date], int] = {}
    for i in range(n):
        day = end - timedelta(days=(i * days) // n)
        t = terms[rows.rnd.randrange(len(terms))]
        seq = seqs[(t.terminal_id, day)] = seqs.get((t.terminal_id, day), 0) + 1
        rows.application(t, day, seq, end)
        if (i + 1) % BATCH == 0:
            yield rows.tables
            rows.tables = {}
            seqs = {k: v for k, v in seqs.items() if k[1] == day}
    yield rows.tables


def _terminal_row(t: Terminal, enrolled: date) -> dict[str, Any]:
    return {
        "terminal_id": t.terminal_id, "hall": t.hall, "window": int(t.window),
        "public_key": t.secret.hex(), "code_secret": base64.b64encode(t.secret).decode(),
        "token_hash": f"{t.terminal_id}-gen".ljust(64, "0"), "revoked_at": None,
        "enrolled_at": _iso(datetime.combine(enrolled, time(0), UTC)), "last_seen_at": None,
    }  # fmt: skip


ORDER = ["terminals", "item_limits", "applications", "status_events", "ratings", "bad_cases"]


def fill(
    db: Database, n: int, seed: int = 7, end: date | None = None, days: int = 365,
    progress: Callable[[int], None] | None = None,
) -> None:  # fmt: skip
    """Insert `n` generated applications into `db` (whose migrations have run)."""
    end = end or datetime.now(HALL_TZ).date()
    done = 0
    for batch in generate(n, seed, end, days):
        for name in ORDER:
            if batch.get(name):
                _insert(db, name, batch[name])
        done += len(batch.get("applications", []))
        if progress is not None:
            progress(done)
    with db.begin() as conn:  # the rows went in beside the write paths: count them now
        if db.is_postgres:
            conn.execute(text("ANALYZE"))  # plans for the rollup's GROUP BY over new rows
        rollup.rebuild(conn)


def _insert(db: Database, name: str, rows: list[dict[str, Any]]) -> None:
    table = db.t(name)
    if not db.is_postgres:
        with db.begin() as conn:
            conn.execute(insert(table), rows)
        return
    cols = list(rows[0])
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        quoted = ", ".join(f'"{c}"' for c in cols)
        with cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in cols])
        raw.commit()
    finally:
        raw.close()


def progress_bar(total: int, label: str) -> tuple[Callable[[int], None], Callable[[], None]]:
    """The project's one progress bar (`counter_app.ops.progress`, tqdm) on a terminal:
    `step(done)` moves it to `done`; nothing when stderr is not a TTY."""
    from counter_app.ops import progress
    from forms.text import Text

    shown = progress.bar(total, Text(label, label))
    if shown is None:
        return (lambda done: None), (lambda: None)

    def step(done: int) -> None:
        shown.update(done - shown.n)

    return step, shown.close
