"""Kill the terminal with SIGKILL at random moments and check what a restart finds.

`CrashHarness` drives `crash_worker.py` (a zygote that forks one worker per round) and,
after each kill, checks the data folder the way the next start of the terminal meets it:
the database is intact, every receipt that printed is there with its files, and no
application is half-written.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

WORKER = [sys.executable, "-m", "tests.reliability.crash_worker"]
ROOT = Path(__file__).resolve().parents[2]

#: An application missing any of these is half-written.
HALF_WRITTEN = {
    "outbox entry": "SELECT 1 FROM outbox o WHERE o.entity_uuid = s.uuid AND o.kind = 'submission'",
    "status event": "SELECT 1 FROM status_events e WHERE e.uuid = s.uuid",
    "audit entry": "SELECT 1 FROM audit_log a WHERE a.entity = s.receipt_no",
}


@dataclass
class Printed:
    receipt_no: str
    uuid: str


@dataclass
class CrashLog:
    """What the rounds saw: kills by phase, receipts printed (in order), problems."""

    kills: Counter[str] = field(default_factory=Counter)
    printed: list[Printed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checked_files: int = 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class CrashHarness:
    def __init__(self, data_dir: Path, url: str, work: Path, seed: int = 1) -> None:
        self.data_dir, self.url, self.work = data_dir, url, work
        self.rng = random.Random(seed)
        self.log = CrashLog()
        self.stderr = open(work / "worker.stderr", "wb")  # noqa: SIM115 (closed in close())
        self.zygote = subprocess.Popen(
            WORKER, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr, text=True, bufsize=1,
        )  # fmt: skip
        self.files_seen: set[str] = set()

    def close(self) -> None:
        assert self.zygote.stdin is not None
        self.zygote.stdin.close()
        self.zygote.wait(timeout=10)
        assert self.zygote.stdout is not None
        self.zygote.stdout.close()
        self.stderr.close()

    def round(self, n: int, max_wait: float) -> None:
        """One worker, killed after a random while, then the checks."""
        log_path = self.work / f"round-{n}.log"
        pid = self._fork(n, log_path)
        time.sleep(self.rng.uniform(0.0, max_wait))
        died_alone = not _alive(pid)
        if not died_alone:
            os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.002)
        lines = log_path.read_text().splitlines() if log_path.exists() else []
        if died_alone:
            self.log.problems.append(f"round {n}: the worker died before the kill")
        self.log.kills[_phase(lines)] += 1
        self.log.printed += [Printed(*ln.split()[1:3]) for ln in lines if ln.startswith("R ")]
        self.check(n)

    def _fork(self, n: int, log_path: Path) -> int:
        assert self.zygote.stdin is not None and self.zygote.stdout is not None
        seed = self.rng.getrandbits(32)
        self.zygote.stdin.write(f"go {self.data_dir} {self.url} {seed} {log_path}\n")
        reply = self.zygote.stdout.readline().split()
        assert reply and reply[0] == "pid", f"zygote said {reply!r}"
        return int(reply[1])

    def check(self, n: int) -> None:
        """What the next start finds; problems are collected with the round number."""
        conn = sqlite3.connect(self.data_dir / "counter.db")
        try:
            self.log.problems += [f"round {n}: {p}" for p in self._check(conn)]
        finally:
            conn.close()

    def _check(self, conn: sqlite3.Connection) -> list[str]:
        problems = []
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            problems.append(f"integrity_check: {result}")
        for what, exists in HALF_WRITTEN.items():
            rows = conn.execute(
                f"SELECT receipt_no FROM submissions s WHERE NOT EXISTS ({exists})"
            ).fetchall()
            problems += [f"{r[0]} has no {what}" for r in rows]
        known = dict(conn.execute("SELECT receipt_no, uuid FROM submissions").fetchall())
        for p in self.log.printed:
            if known.get(p.receipt_no) != p.uuid:
                problems.append(
                    f"printed {p.receipt_no} ({p.uuid}) but found {known.get(p.receipt_no)}"
                )
        problems += self._check_files(conn)
        return problems

    def _check_files(self, conn: sqlite3.Connection) -> list[str]:
        """Every material a committed row names is on disk with its SHA-256 (new ones only:
        files never change once in place, and rehashing all every round would be slow)."""
        problems = []
        rows = conn.execute(
            "SELECT DISTINCT sha256 FROM submission_materials UNION SELECT sha256 FROM materials"
        ).fetchall()
        for (sha,) in rows:
            if sha in self.files_seen:
                continue
            path = self.data_dir / "materials" / sha[:2] / sha
            try:
                ok = hashlib.sha256(path.read_bytes()).hexdigest() == sha
            except FileNotFoundError:
                ok = False
            if not ok:
                problems.append(f"material {sha} missing or damaged")
            else:
                self.files_seen.add(sha)
                self.log.checked_files += 1
        return problems


def _phase(lines: list[str]) -> str:
    """Where the kill landed: in a sync pass, in an intake, or between/at start."""
    marks = [ln[0] for ln in lines if ln[:1] in "ISsR"]
    if not marks:
        return "starting"
    return {"S": "sync", "I": "intake"}.get(marks[-1], "between")
