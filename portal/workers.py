"""`portal serve --workers N`: N app-server processes on one port, each listening on a socket
of its own (`SO_REUSEPORT`), so the kernel spreads new connections over them evenly.

uvicorn's `--workers` shares one listening socket, and asyncio's accept loop takes every
connection waiting when it wakes. 32 connections opened at once were split 28/4 between two
workers, for as long as they stayed open, and the busy worker's queue set the tracking
page's p99: 66-70 ms, against 45-47 ms when the split was near 20/12 (docs/performance.md).
A balancer's keep-alive connections are split the same way. With a socket per worker the
kernel hashes each new connection to one of them.

This process only supervises: a worker that exits is started again, SIGTERM or SIGINT stop
them all, and a worker that keeps dying within seconds of its start stops the server (exit
1) instead of being restarted forever. A worker whose event loop has stopped (a request
blocking it, a deadlock) still holds its socket, and the kernel would go on handing it a
share of the new connections, which would hang: each worker notes every tick of uvicorn's
main loop (ten a second) in memory shared with this process, and one silent for `hang_s`
(30 s, gunicorn's default timeout) is killed and replaced. Start-up (migrations, a rollup
rebuild) comes before the first tick and may take as long as it needs.

Linux lets only processes of the same user share a port through `SO_REUSEPORT`, and the
port is checked free before any worker binds, so neither another account nor a second
`portal serve` started by mistake takes a share of the connections unnoticed.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

from forms.text import Text
from portal.errors import Invalid

log = logging.getLogger(__name__)

APP = "portal.app:app_from_env"  # each worker builds its app from the environment
BACKLOG = 2048  # uvicorn's default
QUICK_EXIT_S = 5.0  # a worker that exits this soon after its start has crashed on start-up
QUICK_EXITS = 3  # ... this many times in a row: stop, do not restart forever
HANG_S = 30.0  # a worker whose event loop has not ticked for this long is replaced
POLL_S = 0.5


def listening_socket(host: str, port: int, reuse_port: bool = True) -> socket.socket:
    """A TCP socket bound to host:port and listening; with `reuse_port` other sockets of
    this user may listen on the same port (one per worker)."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def check_port_free(host: str, port: int) -> None:
    """Invalid (one clear line) when host:port cannot be bound by a socket of its own: in
    use, by another program or another `portal serve`."""
    try:
        listening_socket(host, port, reuse_port=False).close()
    except OSError as exc:
        raise Invalid(
            Text(
                f"无法在 {host}:{port} 上监听：{exc.strerror}（端口已被占用？）",
                f"Cannot listen on {host}:{port}: {exc.strerror} (is the port in use?)",
            )
        ) from exc


class _Beating(uvicorn.Server):
    """uvicorn's server, noting the time of each tick of its main loop in `beat`."""

    def __init__(self, config: uvicorn.Config, beat: Any) -> None:
        super().__init__(config)
        self.beat = beat

    async def on_tick(self, counter: int) -> bool:
        self.beat.value = time.monotonic()  # CLOCK_MONOTONIC: the same in every process
        return await super().on_tick(counter)


def run_worker(app: str, host: str, port: int, options: dict[str, Any], beat: Any) -> None:
    """One worker (in its own process): its socket, its app, uvicorn serving it; each tick
    of its loop noted in `beat` (a shared double, 0 until the first)."""
    sock = listening_socket(host, port)
    config = uvicorn.Config(app, host=host, port=port, **options)
    _Beating(config, beat).run(sockets=[sock])


def serve(
    workers: int,
    host: str,
    port: int,
    options: dict[str, Any],
    app: str = APP,
    hang_s: float = HANG_S,
) -> int:
    """Run `workers` workers of `app` (an import string; uvicorn's `options`, e.g.
    factory=True for APP) on host:port until SIGTERM/SIGINT; the exit code."""
    check_port_free(host, port)
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter, as uvicorn's
    stop = threading.Event()

    def start() -> tuple[BaseProcess, float, Any]:
        beat = spawn.RawValue("d", 0.0)
        proc = spawn.Process(target=run_worker, args=(app, host, port, options, beat), daemon=False)
        proc.start()
        return proc, time.monotonic(), beat

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    running = [start() for _ in range(workers)]
    quick = 0
    try:
        while not stop.wait(POLL_S):
            for i, (proc, started, beat) in enumerate(running):
                if stop.is_set():
                    break
                if proc.is_alive():
                    _kill_if_hung(proc, beat.value, hang_s)
                    continue
                quick = quick + 1 if time.monotonic() - started < QUICK_EXIT_S else 0
                log.warning("worker %s exited (%s); starting another", proc.pid, proc.exitcode)
                if quick >= QUICK_EXITS:
                    log.error("workers keep exiting at start; stopping the server")
                    return 1
                running[i] = start()
        return 0
    finally:
        _stop_all([proc for proc, _, _ in running])
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _kill_if_hung(proc: BaseProcess, beat: float, hang_s: float) -> None:
    """SIGKILL a worker whose loop has not ticked for `hang_s` (after its first tick); the
    next round of the supervisor's loop sees it gone and starts another."""
    silent = time.monotonic() - beat
    if beat and silent > hang_s:
        log.error("worker %s has not answered for %.0f s; killing it", proc.pid, silent)
        proc.kill()
        proc.join()


def _stop_all(procs: list[BaseProcess]) -> None:
    """SIGTERM to every worker (uvicorn finishes its requests), SIGKILL after 30 s."""
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + 30
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join()
