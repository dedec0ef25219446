"""A fault-injecting TCP proxy for HTTP/1.1 between the terminal and a real portal.

Each accepted connection gets one fault: first from `script` (faults queued for requests
whose path contains a key, e.g. {"/push": ["lose_reply"]}), else a seeded random choice,
so a run is reproducible. The terminal's client in these tests opens one connection per
request (no keep-alive), which makes "one connection" mean "one request".

Faults:
    pass        forward both ways
    drop        close at once, before reading anything
    reset       close with SO_LINGER 0 (the client sees a TCP RST)
    delay       forward after a pause shorter than the client's timeout
    stall       say nothing for longer than the client's timeout
    http500     answer 500 without forwarding
    http503     answer 503 with Retry-After: 0 without forwarding
    cut_reply   forward; send back only half the reply, then close
    lose_reply  forward and let the server finish (it commits), then close without a byte
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import struct
import threading
import time
from collections import Counter

import httpx

FAULTS = (
    "pass", "drop", "reset", "delay", "stall", "http500", "http503", "cut_reply", "lose_reply",
)  # fmt: skip


def _read_message(sock: socket.socket) -> bytes:
    """One HTTP message (headers + Content-Length body) from `sock`, as raw bytes."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _reply(status: str, extra: str = "") -> bytes:
    body = json.dumps({"error": "injected", "message": {"zh": "注入", "en": "injected"}}).encode()
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class FaultProxy:
    """Listens on 127.0.0.1 at a free port and forwards to `target_port` with faults."""

    def __init__(
        self, target_port: int, weights: dict[str, float], seed: int = 7,
        delay: float = 0.05, stall: float = 1.0, script: dict[str, list[str]] | None = None,
    ) -> None:  # fmt: skip
        self.target_port = target_port
        self.names = list(weights)
        self.weights = [weights[n] for n in self.names]
        self.rng = random.Random(seed)
        self.delay, self.stall = delay, stall
        self.script = {k: list(v) for k, v in (script or {}).items()}
        self.seen: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closing = False
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing = True
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.listener.close()
        self.thread.join(timeout=5)

    def _pick(self, request: bytes) -> str:
        line = request.split(b"\r\n", 1)[0].decode("latin-1")
        with self.lock:
            queued = [q for key, q in self.script.items() if key in line and q]
            fault = queued[0].pop(0) if queued else self.rng.choices(self.names, self.weights)[0]
            self.seen[fault] += 1
            return fault

    def _accept_loop(self) -> None:
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        try:
            request = _read_message(client)
            getattr(self, f"_{self._pick(request)}")(client, request)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                client.close()

    def _upstream(self, request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.target_port)) as up:
            up.sendall(request)
            return _read_message(up)

    def _pass(self, client: socket.socket, request: bytes) -> None:
        client.sendall(self._upstream(request))

    def _drop(self, client: socket.socket, request: bytes) -> None:
        pass

    def _reset(self, client: socket.socket, request: bytes) -> None:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _delay(self, client: socket.socket, request: bytes) -> None:
        time.sleep(self.delay)
        self._pass(client, request)

    def _stall(self, client: socket.socket, request: bytes) -> None:
        time.sleep(self.stall)

    def _http500(self, client: socket.socket, request: bytes) -> None:
        client.sendall(_reply("500 Internal Server Error"))

    def _http503(self, client: socket.socket, request: bytes) -> None:
        client.sendall(_reply("503 Service Unavailable", "Retry-After: 0\r\n"))

    def _cut_reply(self, client: socket.socket, request: bytes) -> None:
        reply = self._upstream(request)
        client.sendall(reply[: len(reply) // 2])

    def _lose_reply(self, client: socket.socket, request: bytes) -> None:
        self._upstream(request)  # the server has committed by now


def no_keep_alive(timeout: float = 5.0) -> httpx.Client:
    """A terminal's client that opens a connection per request: the proxy answers one
    request per connection, so every request meets its own fault."""
    limits = httpx.Limits(max_keepalive_connections=0)
    return httpx.Client(timeout=httpx.Timeout(timeout), limits=limits, trust_env=False)
