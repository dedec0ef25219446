"""`portal serve --workers N` (`portal.workers`), as a real process on PostgreSQL: a listening
socket per worker, so the kernel spreads connections over the workers (uvicorn's shared
socket let one worker take 28 of 32); a killed worker is replaced; SIGTERM stops them all;
a port in use, or a second `portal serve` on the same port, is one clear line; workers that
keep dying at start stop the server instead of restarting forever."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from portal import workers
from tests.portal.test_several_servers import ROOT, _free_port, pg_url, serve

__all__ = ["pg_url"]  # the fixture, imported for this module's tests
pytestmark = pytest.mark.postgres
CONNECTIONS = 64


def workers_of(pid: int) -> list[int]:
    """The worker processes of a `portal serve` (not multiprocessing's resource tracker; a
    worker that has just ended has no command line left, or no /proc entry)."""
    found = []
    for kid in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            if b"spawn_main" in Path(f"/proc/{kid}/cmdline").read_bytes():
                found.append(int(kid))
        except OSError:
            continue
    return found


def established(pids: list[int], port: int) -> dict[int, int]:
    """Per process: its established TCP connections on local `port` (from /proc)."""
    inodes: dict[str, int] = {}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd) if fd.is_symlink() else ""
            if target.startswith("socket:["):
                inodes[target[8:-1]] = pid
    found = dict.fromkeys(pids, 0)
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            local_port, state, inode = int(cols[1].rsplit(":", 1)[1], 16), cols[3], cols[9]
            if local_port == port and state == "01" and inode in inodes:
                found[inodes[inode]] += 1
    return found


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] != "Z"
    except OSError:
        return False


def test_connections_opened_at_once_are_spread_over_the_workers(
    pg_url: str, tmp_path: Path
) -> None:
    proc, url = serve(pg_url, tmp_path / "materials", tmp_path / "serve.log", 2)
    opened: list[socket.socket] = []
    try:
        for _ in range(CONNECTIONS):  # all open before any is answered, as wrk's are
            opened.append(socket.create_connection(("127.0.0.1", port_of(url))))
        for sock in opened:  # each answered on its connection: a worker accepted it
            sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: portal\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        counts = established(workers_of(proc.pid), port_of(url))
        assert sum(counts.values()) == CONNECTIONS and len(counts) == 2
        assert min(counts.values()) >= CONNECTIONS // 4, counts  # shared socket: 28/4 of 32
    finally:
        for sock in opened:
            sock.close()
        proc.terminate()
        proc.wait(timeout=30)


def test_a_killed_worker_is_replaced_and_sigterm_stops_every_worker(
    pg_url: str, tmp_path: Path
) -> None:
    proc, url = serve(pg_url, tmp_path / "materials", tmp_path / "serve.log", 2)
    try:
        first = workers_of(proc.pid)
        assert len(first) == 2
        os.kill(first[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = workers_of(proc.pid)
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.2)
        assert len(now) == 2 and first[0] not in now and first[1] in now
        for _ in range(20):  # served on (by whichever worker the kernel picks)
            assert httpx.get(f"{url}/api/v1/health", trust_env=False).status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
    gone = time.monotonic() + 30
    while any(alive(pid) for pid in now) and time.monotonic() < gone:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in now)


def test_a_port_in_use_and_a_second_server_on_it_are_one_clear_line(
    pg_url: str, tmp_path: Path
) -> None:
    """Another program on the port, and a second `portal serve --workers 2` started by
    mistake on the port of a running one: refused before any worker binds (with
    SO_REUSEPORT it would otherwise quietly take a share of the connections)."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    first, url = serve(pg_url, tmp_path / "materials", tmp_path / "serve.log", 2)
    try:
        for port in (busy, port_of(url)):
            cmd = [sys.executable, "-m", "portal.cli", "serve", "--db", pg_url, "--materials",
                   str(tmp_path / "materials"), "--port", str(port), "--workers", "2",
                   "--lang", "en"]  # fmt: skip
            out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
            assert out.returncode == 2, out.stderr
            line = out.stderr.strip()
            assert line.startswith(f"portal: Cannot listen on 127.0.0.1:{port}: "), line
            assert "(is the port in use?)" in line and "\n" not in line, line
    finally:
        taken.close()
        first.terminate()
        first.wait(timeout=30)


def test_workers_that_keep_dying_at_start_stop_the_server() -> None:
    """A worker whose app cannot even be imported is not restarted forever: after
    QUICK_EXITS quick deaths the supervisor stops, exit 1 (restarting forever would run into
    the suite's pytest-timeout instead)."""
    code = workers.serve(1, "127.0.0.1", _free_port(), {"log_level": "critical"}, "no.such:app")
    assert code == 1
