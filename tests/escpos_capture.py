"""A loopback TCP "thermal printer" for tests, and readers for the ESC/POS it receives.

A real socket server on 127.0.0.1 (port 9100's protocol is raw bytes: no handshake), so the
whole path a receipt takes to a network printer runs for real; only the paper is missing.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

ESC_BANG = b"\x1b!"  # ESC !: sizes for half-width characters only, and it resets bold
GS_SIZE_BIG = b"\x1d!\x11"  # GS !: double width and height, for every character
BOLD_ON, BOLD_OFF = b"\x1bE\x01", b"\x1bE\x00"
QR_STORE = b"\x1d(k"  # GS ( k: the printer draws the QR itself
FULL_CUT = b"\x1dV\x00"


@dataclass
class LoopbackPrinter:
    """Every connection's bytes, in order; `spec` is the `printer` setting that reaches it."""

    port: int
    jobs: list[bytes] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def spec(self) -> str:
        return f"escpos-net:127.0.0.1:{self.port}"

    def wait_job(self, timeout: float = 15) -> bytes:
        assert self.done.wait(timeout), "the printer received no job"
        return self.jobs[-1]


@contextmanager
def loopback_printer() -> Iterator[LoopbackPrinter]:
    server = socket.create_server(("127.0.0.1", 0))
    printer = LoopbackPrinter(server.getsockname()[1])

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return  # closed: the test is over
            received = bytearray()
            with conn:
                while chunk := conn.recv(65536):
                    received.extend(chunk)
            printer.jobs.append(bytes(received))
            printer.done.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield printer
    finally:
        # shutdown() wakes the thread blocked in accept(); close() alone does not on Linux,
        # and that thread would then accept on whatever socket reuses the descriptor.
        server.shutdown(socket.SHUT_RDWR)
        server.close()
        thread.join(timeout=5)
        assert not thread.is_alive()


@contextmanager
def printer_that_is_off() -> Iterator[str]:
    """A `printer` setting whose port refuses connections: bound, never listening, so no
    other test's server can take the port meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"escpos-net:127.0.0.1:{sock.getsockname()[1]}"


def text_line_style(stream: bytes, text: str) -> bytes:
    """The commands sent between the previous line feed and the line holding `text` (in
    GB 18030): what the printer had been told about that line's look."""
    encoded = text.encode("gb18030")
    at = stream.index(encoded)
    start = stream.rfind(b"\n", 0, at) + 1
    return stream[start:at]


def check_receipt_stream(stream: bytes, title: str, number: str, words: list[str]) -> None:
    """What a Chinese thermal printer needs to print our receipt right: initialised in its
    double-byte mode; the title enlarged by `GS !` and bold (bold set after the size, and no
    `ESC !` anywhere to switch it off); the number enlarged; Chinese words in GB 18030; the
    QR drawn by the printer; a full cut at the end."""
    assert stream.startswith(b"\x1b@\x1c&")  # ESC @ (init), FS & (double-byte mode)
    assert ESC_BANG not in stream
    title_style = text_line_style(stream, title)
    assert GS_SIZE_BIG in title_style
    assert title_style.rindex(BOLD_ON) > title_style.rindex(GS_SIZE_BIG)
    assert BOLD_OFF not in title_style[title_style.rindex(BOLD_ON) :]
    assert GS_SIZE_BIG in text_line_style(stream, number)
    for word in words:
        assert word.encode("gb18030") in stream, word
    assert QR_STORE in stream
    assert stream.endswith(FULL_CUT)
