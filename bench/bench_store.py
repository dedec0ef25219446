"""Intake and search on the big terminal database.

intake: `IntakeService.accept` on a copy of the N-application database (validation, receipt
number, materials stored and fsynced, submission + outbox + audit in one transaction with
synchronous=FULL), against a bare sqlite3 one-row INSERT transaction in WAL with
synchronous=FULL on the same disk. Measured twice: with the item's materials (each a new
small file, so each is written and fsynced like a scan) and with none (a one-time notice:
the database transaction alone).

search: p99 of each lookup the search box makes, with keys drawn from the database.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.core import ROOT, Context, Result, ms, percentile, timed
from bench.gen_db import CLERKS, database_for
from counter_app import search
from counter_app.store import open_store
from counter_app.terminal import DB_NAME, Terminal
from forms.catalog import load_catalog

ANSWERS = ROOT / "tests" / "forms" / "answers"


def bare_insert_ms(path: Path, samples: int) -> list[float]:
    """One-row INSERT transactions, WAL + synchronous=FULL: the floor for a durable write."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        payload = json.dumps({"x": "y" * 400})

        def one() -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t (payload) VALUES (?)", (payload,))
            conn.execute("COMMIT")

        return [ms(s) for s in timed(one, samples)]
    finally:
        conn.close()


class Applications:
    """Valid intake calls over every sample item, for known and new applicants."""

    def __init__(self, terminal: Terminal, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.items = sorted(load_catalog(ROOT / "assets" / "catalog").items.values(), key=str)
        self.items.sort(key=lambda i: i.code)
        rows = terminal.store.query(
            "SELECT kind, id_no, name, phone FROM applicants ORDER BY rowid LIMIT 2000"
        )
        self.known = {k: [r for r in rows if r["kind"] == k] for k in ("person", "company")}
        self.count = 0

    def next(self, with_files: bool) -> tuple[Any, ...]:
        self.count += 1
        item = self.items[self.count % len(self.items)]
        answers = json.loads((ANSWERS / f"{item.code}.json").read_text())
        applicant = self.rng.choice(self.known[item.applicant_kind])
        files: dict[str, list[bytes]] = {}
        if with_files:
            for m in item.required_materials(answers):
                body = f"{self.count}/{m.code}".encode() * 200
                files[m.code] = [_file(m.file_types, body)]
        return item.code, applicant, answers, files


def _file(types: tuple[str, ...], body: bytes) -> bytes:
    if "pdf" in types:
        return b"%PDF-1.4\n" + body
    if "jpg" in types:
        return b"\xff\xd8\xff\xe0" + body
    return b"\x89PNG\r\n\x1a\n" + body


def intake(ctx: Context) -> list[Result]:
    source = database_for(ctx.sizes.big_db, ctx.cache, ctx.log)
    data_dir = ctx.work / "intake-terminal"
    shutil.copytree(source, data_dir)
    n, size = ctx.sizes.samples, f"{ctx.sizes.big_db:,} apps"
    base = bare_insert_ms(ctx.work / "bare-insert.db", n)
    results = []
    with Terminal.open(data_dir) as terminal:
        apps = Applications(terminal)
        for with_files, label in ((True, "with materials"), (False, "notice, no files")):

            def one(files: bool = with_files) -> None:
                code, applicant, answers, attachments = apps.next(files)
                terminal.intake.accept(code, applicant, answers, attachments, clerk_id=CLERKS[1])

            one()  # warm: catalog parse cache, first page reads
            samples = [ms(s) for s in timed(one, n)]
            results += [
                Result("intake", f"p50 {label}, {size}", percentile(samples, 50), "ms",
                       percentile(base, 50)),
                Result("intake", f"p99 {label}, {size}", percentile(samples, 99), "ms",
                       percentile(base, 99), "p99 <= 3x",
                       percentile(samples, 99) <= 3 * percentile(base, 99)),
            ]  # fmt: skip
    shutil.rmtree(data_dir, ignore_errors=True)
    return results


def _keys(store: Any, n: int, seed: int = 11) -> dict[str, list[str]]:
    """Search keys as clerks type them, from random rows of the database."""
    rng = random.Random(seed)
    top = int(store.scalar("SELECT MAX(rowid) FROM submissions"))
    picks = [rng.randrange(1, top + 1) for _ in range(n)]
    marks = ",".join("?" * len(picks))
    rows = store.query(
        "SELECT s.receipt_no, a.id_no, a.name, a.phone FROM submissions s JOIN applicants a "
        f"ON a.id_no = s.applicant_id WHERE s.rowid IN ({marks})",
        picks,
    )
    return {
        "receipt no": [f"{r['receipt_no'][:3]}-{r['receipt_no'][3:7]}-{r['receipt_no'][7:]}"
                       .lower() for r in rows],
        "identifier": [r["id_no"] for r in rows],
        "name prefix": [r["name"][:2] for r in rows],
        "phone prefix": [r["phone"][:7] for r in rows if r["phone"]],
    }  # fmt: skip


LOOKUPS: dict[str, Callable[[Any, str], Any]] = {
    "receipt no": search.by_receipt_no,
    "identifier": search.by_identifier,
    "name prefix": search.by_name,
    "phone prefix": search.by_phone,
}


def search_bench(ctx: Context) -> list[Result]:
    data_dir = database_for(ctx.sizes.big_db, ctx.cache, ctx.log)
    store = open_store(data_dir / DB_NAME, readonly=True)
    size = f"{ctx.sizes.big_db:,} apps"
    results = []
    try:
        keys = _keys(store, max(ctx.sizes.samples, 20))
        for kind, fn in LOOKUPS.items():
            samples = [
                ms(s) for key in keys[kind] for s in timed(lambda k=key, f=fn: f(store, k), 1)
            ]
            p99 = percentile(samples, 99)
            results.append(Result("search", f"p99 {kind}, {size}", p99, "ms", None, "< 5 ms",
                                  p99 < 5))  # fmt: skip
        mixed = [k for ks in keys.values() for k in ks]
        samples = [ms(s) for key in mixed for s in timed(lambda k=key: search.search(store, k), 1)]
        p99 = percentile(samples, 99)
        results.append(Result("search", f"p99 search box (any), {size}", p99, "ms", None,
                              "< 5 ms", p99 < 5))  # fmt: skip
    finally:
        store.close()
    return results
