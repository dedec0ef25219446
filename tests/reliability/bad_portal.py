"""A tiny bad platform on loopback: every request gets the same broken reply.

Modes:
    malformed   200, JSON cut in the middle
    wrong_types 200, valid JSON of the wrong shape
    not_json    200, an HTML page (a captive portal or a proxy's error page)
    no_results  200, a push reply that confirms nothing
    huge        200, a 64 MB body (valid JSON start, then spaces)
    drip        200, one byte every 0.1 s, for ever
    garbage     not HTTP at all
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter

HUGE = 64 * 1024 * 1024


class BadPortal:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests = Counter[str]()
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BadPortal:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.thread.join(timeout=5)
        self.sock.close()

    def _accept(self) -> None:
        self.sock.settimeout(0.05)  # closing a socket does not wake accept(): poll instead
        while not self.closing.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                request = conn.recv(65536).split(b"\r\n", 1)[0].decode(errors="replace")
                self.requests[request] += 1
                getattr(self, f"_{self.mode}")(conn)
            except OSError:
                pass  # the client gave up: what it should do

    @staticmethod
    def _reply(conn: socket.socket, body: bytes, ctype: str = "application/json") -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
        conn.sendall(head.encode() + b"Connection: close\r\n\r\n" + body)

    def _malformed(self, conn: socket.socket) -> None:
        self._reply(conn, b'{"results": [{"uuid": "x", "outc')

    def _wrong_types(self, conn: socket.socket) -> None:
        self._reply(conn, b'{"results": "all fine", "missing": 7, "cursor": "later"}')

    def _not_json(self, conn: socket.socket) -> None:
        self._reply(conn, "<html><body>请登录 Wi-Fi</body></html>".encode(), "text/html")

    def _no_results(self, conn: socket.socket) -> None:
        self._reply(conn, b'{"results": [], "event_results": [], "missing": []}')

    def _huge(self, conn: socket.socket) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {HUGE}\r\n"
        conn.sendall(head.encode() + b"\r\n" + b'{"missing": [')
        block = b" " * 65536
        for _ in range(HUGE // len(block)):
            conn.sendall(block)

    def _drip(self, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        conn.sendall(b"Content-Length: 100000\r\n\r\n{")
        while not self.closing.is_set():
            conn.sendall(b" ")
            time.sleep(0.1)

    def _garbage(self, conn: socket.socket) -> None:
        conn.sendall(b"\x00\xffSSH-2.0-OpenSSH_9.2\r\n" * 10)
