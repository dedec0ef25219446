"""Building an N-application terminal database quickly, for the benchmarks.

The data folder is made by the terminal's own code (`Terminal.init`, the real migrations,
the sample catalog, clerks with real argon2 hashes), so the schema and indexes are exactly
what a hall runs. Then the rows go in with bulk `executemany` on a connection with
`synchronous=OFF`, with the secondary indexes dropped and rebuilt afterwards (from their own
stored SQL): that is what makes a million applications take a minute instead of hours.

The rows are what two years at a busy window look like: applications on working days only,
09:00-17:30 hall time, over the 13 sample items with their valid answer sets; applicants
with valid resident IDs / credit codes who come back (about two applications each); 5%
one-time notices; statuses by age (old ones mostly settled, some overdue, a few voided)
with the platform's events; ratings; every row synced (outbox entries done). Each
application has its materials' rows (hashes, sizes) but no files on disk, and the audit
chain is the real hash chain, so `audit.verify()` passes.

Built once per N under bench/.cache/terminal-N and reused:
    python -m bench.gen_db 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sqlite3
import time
import uuid as uuidlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.core import CACHE, ROOT, Context, Result
from bench.gen_rows import COLUMNS, Tables, drop_indexes
from bench.people import Person, population
from counter_app import clerks
from counter_app.ops import progress
from counter_app.ops.progress import each
from counter_app.store.audit import GENESIS
from counter_app.store.audit import _hash as audit_hash
from counter_app.store.audit_anchors import state_digest, write_head_file
from counter_app.store.materials import StoredMaterial
from counter_app.store.submissions import GivenMaterial, NewSubmission
from counter_app.store.wire_record import wire_record
from counter_app.terminal import DB_NAME, Terminal
from forms.catalog import load_catalog
from forms.model import ServiceItem
from forms.text import Text
from forms.workdays import add_working_days, is_working_day
from sync.canonical import canonical_json
from sync.receipt_numbers import new_receipt_no
from sync.statuses import SETTLED, Status

TERMINAL_ID = "BNCH"
HALL = "南昌市民中心"
WINDOW = "3"
PASSWORD = "bench-pass-1"
CLERKS = ("C001", "C002", "C003", "C004", "C005", "C006")
SPAN_DAYS = 730
CHUNK = 20_000
TZ = ZoneInfo("Asia/Shanghai")
ANSWERS = ROOT / "tests" / "forms" / "answers"
MARKER = "generated.json"


@dataclass(frozen=True)
class GenReport:
    applications: int
    seconds: float
    db_bytes: int

    @property
    def per_second(self) -> float:
        return self.applications / self.seconds if self.seconds else 0.0


# -- entry points ---------------------------------------------------------------------------
def database_for(n: int, cache: Path = CACHE, log: Callable[[str], None] = print) -> Path:
    """The data folder of a terminal holding `n` applications, built on first use."""
    data_dir = cache / f"terminal-{n}"
    if (data_dir / MARKER).is_file():
        return data_dir
    building = cache / f"terminal-{n}.building"
    shutil.rmtree(building, ignore_errors=True)
    log(f"gen_db: building a {n:,}-application terminal in {data_dir} ...")
    report = build(building, n)
    log(
        f"gen_db: {n:,} applications in {report.seconds:.1f} s "
        f"({report.per_second:,.0f}/s), {report.db_bytes / 1e6:,.0f} MB"
    )
    shutil.rmtree(data_dir, ignore_errors=True)
    building.rename(data_dir)
    return data_dir


def cached_report(data_dir: Path) -> GenReport:
    raw = json.loads((data_dir / MARKER).read_text())
    return GenReport(raw["applications"], raw["seconds"], raw["db_bytes"])


def build(data_dir: Path, n: int, seed: int = 2018, today: date | None = None) -> GenReport:
    """Create the terminal in `data_dir` and fill it with `n` applications."""
    start = time.perf_counter()
    _init_terminal(data_dir)
    conn = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        indexes = drop_indexes(conn)
        Filler(conn, seed, today or datetime.now(TZ).date()).fill(n)
        for sql in indexes:
            conn.execute(sql)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    with Terminal.open(data_dir) as terminal:
        write_head_file(terminal.store)  # the head outside the database, as commits keep it
    seconds = time.perf_counter() - start
    report = GenReport(n, seconds, (data_dir / DB_NAME).stat().st_size)
    (data_dir / MARKER).write_text(json.dumps(report.__dict__))
    return report


def _init_terminal(data_dir: Path) -> None:
    with Terminal.init(data_dir, TERMINAL_ID, HALL, WINDOW) as terminal:
        terminal.import_catalog(ROOT / "assets" / "catalog")
        clerks.add_clerk(terminal.store, "A001", "系统管理员", PASSWORD, "admin")
        admin = clerks.authenticate(terminal.store, "A001", PASSWORD)
        for i, clerk_id in enumerate(CLERKS):
            role = "supervisor" if i == 0 else "clerk"
            clerks.add_clerk(terminal.store, clerk_id, f"窗口{i + 1}", PASSWORD, role, actor=admin)


# -- the rows -------------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def _due(day: date, days: int) -> date:
    return add_working_days(day, days)


class Filler:
    """Generates and inserts the applications, oldest first."""

    def __init__(self, conn: sqlite3.Connection, seed: int, today: date) -> None:
        self.conn, self.today = conn, today
        self.rng = random.Random(seed)
        catalog = load_catalog(ROOT / "assets" / "catalog")
        self.items: list[ServiceItem] = sorted(catalog.items.values(), key=lambda i: i.code)
        self.answers = {
            i.code: json.loads((ANSWERS / f"{i.code}.json").read_text()) for i in self.items
        }
        self.weights = [self.rng.randint(1, 10) for _ in self.items]
        # answers are the same for every application of an item: work them out once
        self.required = {i.code: i.required_materials(self.answers[i.code]) for i in self.items}
        self.answers_json = {code: canonical_json(a) for code, a in self.answers.items()}
        last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        self.seq, self.prev = last or (0, GENESIS)
        self.applicants: dict[str, dict[str, Any]] = {}
        self.ident = {"terminal_id": TERMINAL_ID, "hall": HALL, "window": WINDOW}

    def fill(self, n: int) -> None:
        people, companies = population(self.rng, max(1, n // 2), max(1, n // 40))
        pending = Tables()
        moments = each(self._moments(n), n, Text("生成申请", "generating"), "application")
        for count, (day, moment) in enumerate(moments, 1):
            self._application(pending, day, moment, people, companies)
            if count % CHUNK == 0:
                self._flush(pending)
        self._flush(pending)
        self._write_applicants()
        self.conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('audit_head', ?)",
            (f"{self.seq}:{self.prev}",),
        )

    def _moments(self, n: int) -> Iterator[tuple[date, datetime]]:
        """(hall date, UTC time) of `n` applications over the last two years' working days."""
        first = self.today - timedelta(days=SPAN_DAYS)
        days = [first + timedelta(d) for d in range(SPAN_DAYS)]
        days = [d for d in days if is_working_day(d)]
        per_day: dict[date, int] = {}
        for d in self.rng.choices(days, k=n):
            per_day[d] = per_day.get(d, 0) + 1
        for d in sorted(per_day):
            seconds = sorted(
                self.rng.randrange(9 * 3600, 17 * 3600 + 1800) for _ in range(per_day[d])
            )
            self.counter = 0
            for s in seconds:
                local = datetime(d.year, d.month, d.day, tzinfo=TZ) + timedelta(seconds=s)
                yield d, local.astimezone(UTC)
            self._counter_row(d, per_day[d])

    def _counter_row(self, day: date, last: int) -> None:
        self.conn.execute(
            "INSERT INTO receipt_counters (day, last_seq) VALUES (?, ?)", (day.toordinal(), last)
        )

    def _application(
        self, t: Tables, day: date, at: datetime, people: list[Person], companies: list[Person]
    ) -> None:
        """One application and everything intake and sync would have written for it."""
        new, receipt_no, missing = self._decide(t, day, at, people, companies)
        snap = wire_record(new, receipt_no, self.ident, None)
        events = self._events(new)
        row = self._submission_row(t, new, receipt_no, snap, events)
        uuid, who, when = new.uuid, new.applicant, new.accepted_at.isoformat()
        for m in new.materials:
            t.add("submission_materials", (uuid, m.code, m.stored.sha256, 0))
            t.add("applicant_materials", (who["id_no"], m.code, m.stored.sha256, when))
        if missing:
            t.add("notice_items", (uuid, missing, "missing"))
        t.add("status_events", (uuid, str(new.status), "", "local", when, None))
        t.add("outbox", ("submission", uuid, canonical_json(snap), "done", when, when))
        detail = {"uuid": uuid, "service": new.service_code, "content_hash": snap["content_hash"]}
        entries = [(new.clerk_id, f"submission.{new.kind}", at, detail)]
        for k, (st, moment) in enumerate(events):
            rid = f"gen-{uuid}-{k}"
            t.add("status_events", (uuid, st, "", "portal", moment.isoformat(), rid))
            entries.append(("portal", "status.remote", moment, {"status": st, "remote_id": rid}))
        # the last entry carries the state of the rows as written (what audit.append records)
        entries[-1][3]["state"] = state_digest(row, ((m.code, m.stored.sha256) for m in new.materials))  # noqa: E501  # fmt: skip
        for actor, action, moment, body in entries:
            self._audit(t, actor, action, receipt_no, moment, body)
        self._remember(who, new.service_code, new.answers, when)

    def _decide(
        self, t: Tables, day: date, at: datetime, people: list[Person], companies: list[Person]
    ) -> tuple[NewSubmission, str, str | None]:
        """What the clerk took: (the submission, its receipt number, the code of the material
        a one-time notice asks for, if it is one)."""
        rng = self.rng
        item = rng.choices(self.items, self.weights)[0]
        who = rng.choice(people if item.applicant_kind == "person" else companies)
        uuid = str(uuidlib.UUID(int=rng.getrandbits(128), version=4))
        self.counter += 1
        required = self.required[item.code]
        notice = bool(required) and rng.random() < 0.05
        given = required[1:] if notice else required
        materials = tuple(GivenMaterial(m.code, self._material(t, uuid, m.code, at)) for m in given)
        new = NewSubmission(
            uuid=uuid,
            kind="notice" if notice else "acceptance",
            service_code=item.code,
            service_version=item.version,
            applicant={"kind": who.kind, "id_no": who.id_no, "name": who.name, "phone": who.phone},
            answers=self.answers[item.code],
            status=Status.NOTICE_ISSUED if notice else Status.RECEIVED,
            accepted_at=at,
            day=day,
            due_date=None if notice else _due(day, item.promised_days),
            clerk_id=rng.choice(CLERKS),
            materials=materials,
        )
        receipt_no = new_receipt_no(day, TERMINAL_ID, self.counter)
        return new, receipt_no, required[0].code if notice else None

    def _submission_row(
        self,
        t: Tables,
        new: NewSubmission,
        receipt_no: str,
        snap: dict[str, Any],
        events: list[tuple[str, datetime]],
    ) -> dict[str, Any]:
        """Add the row; returns its STATE_FIELDS (for the audit entry's state)."""
        status, settled = (events[-1][0], events[-1][1]) if events else (str(new.status), None)
        rating = self._rating(status)
        t.add(
            "submissions",
            (
                new.uuid, receipt_no, new.kind, new.service_code, new.service_version,
                new.applicant["id_no"], self.answers_json[new.service_code], status,
                new.accepted_at.isoformat(), new.day.isoformat(),
                new.due_date.isoformat() if new.due_date else None, new.clerk_id,
                TERMINAL_ID, HALL, WINDOW, rating, snap["content_hash"], "synced",
                settled.isoformat() if settled and status in SETTLED else None,
            ),
        )  # fmt: skip
        return {
            "receipt_no": receipt_no, "kind": new.kind, "status": str(status),
            "applicant_id": new.applicant["id_no"], "service_code": new.service_code,
            "answers": self.answers_json[new.service_code], "content_hash": snap["content_hash"],
            "signature": None, "rating": rating,
        }  # fmt: skip

    def _material(self, t: Tables, uuid: str, code: str, at: datetime) -> StoredMaterial:
        sha = hashlib.sha256(f"{uuid}/{code}".encode()).hexdigest()
        stored = StoredMaterial(sha, self.rng.randrange(40_000, 400_000), "application/pdf", "pdf")
        t.add("materials", (sha, stored.size, stored.mime, at.isoformat()))
        return stored

    def _events(self, new: NewSubmission) -> list[tuple[str, datetime]]:
        """The platform's events after intake, by the application's age."""
        if new.kind == "notice":
            return []
        rng, age = self.rng, (self.today - new.day).days
        review = new.accepted_at + timedelta(hours=rng.uniform(0.5, 20))
        if age < 1 or rng.random() < 0.01:
            return [] if rng.random() < 0.5 or age < 1 else [(Status.VOIDED, review)]
        due = new.due_date or new.day
        done_at = datetime.combine(due, datetime.min.time(), TZ) + timedelta(
            days=rng.choice((-2, -1, -1, 0, 0, 0, 1, 3)), hours=rng.uniform(9, 17)
        )
        done_at = max(done_at.astimezone(UTC), review + timedelta(hours=1))
        if done_at.date() >= self.today or rng.random() < 0.03:
            return [(Status.UNDER_REVIEW, review)]
        final = rng.choices(
            (Status.DELIVERED, Status.APPROVED, Status.READY_FOR_PICKUP, Status.REJECTED),
            (60, 20, 10, 4),
        )[0]
        return [(Status.UNDER_REVIEW, review), (final, done_at)]

    def _rating(self, status: str) -> int | None:
        if status not in SETTLED or self.rng.random() < 0.4:
            return None
        return self.rng.choices((5, 4, 3, 2, 1), (70, 20, 6, 2, 2))[0]

    def _audit(
        self, t: Tables, actor: str, action: str, entity: str, at: datetime, detail: dict[str, Any]
    ) -> None:
        self.seq += 1
        when, body = at.isoformat(), canonical_json(detail)
        digest = audit_hash(self.seq, when, actor, action, entity, body, self.prev)
        t.add("audit_log", (self.seq, when, actor, action, entity, body, self.prev, digest))
        self.prev = digest

    def _remember(self, who: dict[str, str], code: str, answers: dict[str, Any], when: str) -> None:
        known = self.applicants.setdefault(
            who["id_no"], {"p": who, "last": {}, "created": when, "updated": when}
        )
        known["last"][code] = answers
        known["updated"] = when

    def _flush(self, t: Tables) -> None:
        self.conn.execute("BEGIN")
        for table, rows in t.rows.items():
            marks = ",".join("?" * len(rows[0]))
            verb = "INSERT OR IGNORE" if table in ("materials", "applicant_materials") else "INSERT"
            self.conn.executemany(f"{verb} INTO {table} ({COLUMNS[table]}) VALUES ({marks})", rows)
        self.conn.execute("COMMIT")
        t.rows.clear()

    def _write_applicants(self) -> None:
        """Applicants go in last, once each with their latest answers: this connection does
        not check foreign keys, and the file is consistent once the build is done."""
        rows = [
            (
                k,
                v["p"]["kind"],
                v["p"]["name"],
                v["p"]["phone"],
                canonical_json(v["last"]),
                v["created"],
                v["updated"],
            )
            for k, v in self.applicants.items()
        ]
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT INTO applicants (id_no, kind, name, phone, last_answers, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.conn.execute("COMMIT")


def report_speed(ctx: Context) -> list[Result]:
    """Build (or reuse) the databases the other benchmarks need; report the build speed."""
    results = []
    for n in sorted({ctx.sizes.startup_db, ctx.sizes.big_db}):
        cached = (ctx.cache / f"terminal-{n}" / MARKER).is_file()
        report = cached_report(database_for(n, ctx.cache, ctx.log))
        when = " (cached: speed when built)" if cached else ""
        results.append(Result("gen_db", f"build {n:,} apps{when}", report.per_second, "apps/s"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build (or reuse) an N-application terminal.")
    parser.add_argument("n", type=int, help="applications")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    progress.use_language("en")
    data_dir = database_for(args.n, args.cache)
    report = cached_report(data_dir)
    print(f"{data_dir}: {report.applications:,} applications, built at {report.per_second:,.0f}/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
