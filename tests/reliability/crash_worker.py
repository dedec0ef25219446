"""The process the crash harness kills: a zygote that imports everything once, then forks
one worker per round on request (a fresh interpreter per kill would cost ~1 s of imports;
a fork costs milliseconds, so 200 kills fit in CI).

Protocol on stdin/stdout, one line each:
    go <data_dir> <portal_url> <seed> <log_path>   ->   pid <pid>
The worker opens the terminal and loops forever: take an application, or (about one time in
eight) run one sync pass, or record a rating. It appends to `log_path` with unbuffered
`os.write`, so what it wrote survives SIGKILL (the kernel keeps it; only power loss would
not, and SIGKILL is what this harness simulates):
    I                       an intake starts
    R <receipt_no> <uuid>   the receipt "prints": written only after the commit returned
    S / s                   a sync pass starts / ends
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import signal
import sys
from pathlib import Path

import httpx

from counter_app.errors import CounterError
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from sync.engine import SyncEngine

PERSONS = [
    {"kind": "person", "id_no": "11010519491231002X", "name": "王小明", "phone": "13800138000"},
    {"kind": "person", "id_no": "360102198506151233", "name": "李华", "phone": "13912345678"},
]
SHARED = b"%PDF-1.4\n" + b"shared material " * 2000


def pdf(rng: random.Random) -> bytes:
    """A distinct PDF-looking file of 1-80 KB (the store sniffs the %PDF- magic)."""
    size = rng.randint(1_000, 80_000)
    seed = rng.getrandbits(64).to_bytes(8, "big")
    block = hashlib.sha256(seed).hexdigest().encode()
    return b"%PDF-1.4\n" + (block * (size // 64 + 1))[:size]


def client() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(3.0), trust_env=False)


def take(terminal: Terminal, rng: random.Random, note: str) -> tuple[str, str]:
    files: dict[str, list[bytes]] = {}
    if rng.random() < 0.9:  # else a one-time notice: the required scan is missing
        files["scan"] = [pdf(rng)]
    if rng.random() < 0.4:
        files["extra"] = [SHARED if rng.random() < 0.5 else pdf(rng)]
    person = rng.choice(PERSONS)
    result = terminal.intake.accept("SYNC-001", person, {"note": note}, files, clerk_id="C001")
    return result.receipt_no, result.uuid


def work(data_dir: Path, url: str, seed: int, log_fd: int) -> None:
    rng = random.Random(seed)
    terminal = Terminal.open(data_dir)
    terminal.portal_url = url
    engine = SyncEngine(StorePort(terminal), client, batch_size=5, chunk_size=16 * 1024)
    done: list[str] = []
    for n in range(1_000_000):
        roll = rng.random()
        if roll < 0.12:
            os.write(log_fd, b"S\n")
            engine.run_once()
            os.write(log_fd, b"s\n")
        elif roll < 0.15 and done:
            with contextlib.suppress(CounterError):  # a notice or a rated one: refused
                terminal.intake.record_rating(rng.choice(done), rng.randint(1, 5))
        else:
            os.write(log_fd, b"I\n")
            receipt_no, uuid = take(terminal, rng, f"seed {seed} #{n}")
            os.write(log_fd, f"R {receipt_no} {uuid}\n".encode())
            done.append(receipt_no)


def serve() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    for line in sys.stdin:
        _, data_dir, url, seed, log_path = line.split()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                work(Path(data_dir), url, int(seed), fd)
            finally:
                os._exit(3)  # only reached if the loop ends or fails
        print(f"pid {pid}", flush=True)


if __name__ == "__main__":
    serve()
