"""A hall's uplink on loopback: a TCP proxy whose bytes pass through one token bucket per
direction, shared by every connection (20 Mbit/s by default), written with asyncio streams.

    python -m bench.linkproxy LISTEN_PORT TARGET_PORT MBIT STATS_FILE

Runs in its own process so the terminals' work cannot slow the link. The bucket hands out
16 KB at a time under one lock, so connections take turns (first come, first served) and
each gets its share, as on a real link. On SIGTERM it writes `{bytes_up, bytes_down, first,
last, per_second}` (wall-clock seconds of the first and last byte sent upstream, and the
bytes sent up in each second) to STATS_FILE.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

PIECE = 16 * 1024


class TokenBucket:
    """`rate` bytes a second, at most `burst` saved up; `take(n)` waits for n tokens."""

    def __init__(self, rate: float, burst: int = 2 * PIECE) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = float(burst), time.monotonic()
        self.lock = asyncio.Lock()

    async def take(self, n: int) -> None:
        async with self.lock:  # one waiter at a time: a fair queue of 16 KB pieces
            while True:
                now = time.monotonic()
                self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
                self.stamp = now
                if self.tokens >= n:
                    self.tokens -= n
                    return
                await asyncio.sleep((n - self.tokens) / self.rate)


class Link:
    """The shaped link: counts what passed and when."""

    def __init__(self, target_port: int, rate: float) -> None:
        self.target_port = target_port
        self.up, self.down = TokenBucket(rate), TokenBucket(rate)
        self.stats: dict[str, Any] = {"bytes_up": 0, "bytes_down": 0, "first": 0.0, "last": 0.0}
        self.per_second: dict[int, int] = {}  # upstream bytes by wall-clock second

    async def pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, up: bool) -> None:
        bucket, key = (self.up, "bytes_up") if up else (self.down, "bytes_down")
        try:
            while data := await src.read(PIECE):
                await bucket.take(len(data))
                dst.write(data)
                await dst.drain()
                self.stats[key] += len(data)
                if up:
                    now = time.time()
                    self.stats["first"] = self.stats["first"] or now
                    self.stats["last"] = now
                    second = int(now)
                    self.per_second[second] = self.per_second.get(second, 0) + len(data)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            dst.close()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(
            self.pipe(reader, up_writer, True), self.pipe(up_reader, writer, False)
        )


async def serve(listen_port: int, target_port: int, mbit: float, stats_file: Path) -> None:
    link = Link(target_port, mbit * 1_000_000 / 8)
    server = await asyncio.start_server(link.handle, "127.0.0.1", listen_port)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()
    stats_file.write_text(json.dumps({**link.stats, "per_second": link.per_second}))


if __name__ == "__main__":
    listen, target, mbit, stats = sys.argv[1:5]
    asyncio.run(serve(int(listen), int(target), float(mbit), Path(stats)))
