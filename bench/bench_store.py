"""Intake and search on the big terminal database.

intake: `IntakeService.accept` on a copy of the N-application database (validation, receipt
number, materials stored and fsynced, submission + outbox + audit in one transaction with
synchronous=FULL). Measured twice: with the item's materials (each a new small file, so
each is written and fsynced like a scan) against the durable floor (`DurableFloor`: the same
bytes written to new files and fsynced, the folder fsynced, and a bare one-row WAL + FULL
transaction; issue 17, target 2x), and with none (a one-time notice: the database
transaction alone) against the bare sqlite3 one-row INSERT transaction in WAL with
synchronous=FULL on the same disk (target 3x).

search: p99 of each lookup the search box makes, with keys drawn from the database: a
first pass (pages maybe not in the OS cache; reported, no target) and a warm pass (the
counter in steady use; the target applies).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.core import ROOT, Context, Result, alternate, ms, percentile, timed
from bench.gen_db import CLERKS, database_for
from counter_app import search
from counter_app.store import open_store
from counter_app.terminal import DB_NAME, Terminal
from forms.catalog import load_catalog

ANSWERS = ROOT / "tests" / "forms" / "answers"


class BareInsert:
    """One-row INSERT transactions, WAL + synchronous=FULL: the floor for a durable write.
    Its samples are taken between ours (one each, alternating), so both see the same disk."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        self.payload = json.dumps({"x": "y" * 400})

    def __call__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO t (payload) VALUES (?)", (self.payload,))
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


class DurableFloor(BareInsert):
    """The least a durable intake with materials can cost (issue 17): each material's bytes
    written to a new file and fsynced, the folder fsynced (so the names survive a power
    cut), then the one-row WAL + FULL transaction. It writes the bytes of the application
    our side took just before (`files()`), so both sides write the same bytes."""

    def __init__(self, path: Path, files: Callable[[], list[bytes]]) -> None:
        super().__init__(path)
        self.folder = path.with_suffix(".files")
        self.folder.mkdir()
        self.files, self.count = files, 0

    def __call__(self) -> None:
        for body in self.files():
            self.count += 1
            fd = os.open(self.folder / str(self.count), os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            try:
                os.write(fd, body)
                os.fsync(fd)
            finally:
                os.close(fd)
        folder = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        super().__call__()


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
        self.last_files: list[bytes] = []  # the material bytes of the last application

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
        self.last_files = [b for bodies in files.values() for b in bodies]
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
    os.sync()  # the copy's write-back must not land in the timed samples
    n, size = ctx.sizes.samples, f"{ctx.sizes.big_db:,} apps"
    bare = BareInsert(ctx.work / "bare-insert.db")
    results = []
    with Terminal.open(data_dir) as terminal:
        apps = Applications(terminal)
        floor = DurableFloor(ctx.work / "durable-floor.db", lambda: apps.last_files)
        cases = ((True, "with materials", floor, 2), (False, "notice, no files", bare, 3))
        for with_files, label, baseline, times in cases:

            def one(files: bool = with_files) -> None:
                code, applicant, answers, attachments = apps.next(files)
                terminal.intake.accept(code, applicant, answers, attachments, clerk_id=CLERKS[1])

            one()  # warm: catalog parse cache, first page reads
            samples, base = alternate(one, baseline, n)
            results += [
                Result("intake", f"p50 {label}, {size}", percentile(samples, 50), "ms",
                       percentile(base, 50)),
                Result("intake", f"p99 {label}, {size}", percentile(samples, 99), "ms",
                       percentile(base, 99), f"p99 <= {times}x",
                       percentile(samples, 99) <= times * percentile(base, 99)),
            ]  # fmt: skip
        floor.close()
    bare.close()
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
    "search box (any)": search.search,
}


def _pass(store: Any, fn: Callable[[Any, str], Any], keys: list[str]) -> float:
    """p99 (ms) of one lookup per key."""
    return percentile([ms(s) for k in keys for s in timed(lambda k=k: fn(store, k), 1)], 99)


def search_bench(ctx: Context) -> list[Result]:
    data_dir = database_for(ctx.sizes.big_db, ctx.cache, ctx.log)
    store = open_store(data_dir / DB_NAME, readonly=True)
    size = f"{ctx.sizes.big_db:,} apps"
    results = []
    try:
        keys = _keys(store, max(ctx.sizes.samples, 20))
        keys["search box (any)"] = [k for ks in keys.values() for k in ks]
        for kind, fn in LOOKUPS.items():
            first = _pass(store, fn, keys[kind])  # pages maybe not in the OS cache yet
            warm = _pass(store, fn, keys[kind])
            results += [
                Result("search", f"p99 {kind}, {size}", warm, "ms", None, "< 5 ms", warm < 5),
                Result("search", f"p99 {kind}, first pass", first, "ms"),
            ]
    finally:
        store.close()
    return results
