"""A loopback HTTP load balancer for the several-app-servers test: each request goes to the
next app server in turn, as nginx's default upstream (round-robin per request over kept-alive
connections) does.

Why a balancer and not a list of addresses in the terminal: a hall's terminal is configured
with one platform address and the province puts its balancer behind it; the terminal's
sync client stays as deployed. Per request rather than per connection: httpx keeps one
connection open for a whole sync pass, so a per-connection balancer would send a whole pass
to one server and prove nothing.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import TracebackType

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

#: Headers that describe one hop, not the message (RFC 9110 §7.6.1), plus the length,
#: which the forwarding side recomputes.
HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"content-length", b"host"}


@dataclass
class Served:
    """Which app server answered what: (backend index, method, path)."""

    calls: list[tuple[int, str, str]] = field(default_factory=list)

    def by(self, backend: int, prefix: str) -> int:
        return sum(1 for b, _, path in self.calls if b == backend and path.startswith(prefix))


class RoundRobin:
    """The balancer on 127.0.0.1 at a free port; a context manager, `url` once started."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.served = Served()
        self._turn = itertools.count()
        self._client = httpx.AsyncClient(trust_env=False, timeout=60.0)
        route = Route("/{path:path}", self._forward, methods=["GET", "POST", "PUT", "DELETE"])
        app = Starlette(routes=[route], lifespan=self._lifespan)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=lambda: self.server.run(sockets=[self.sock]))

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        async with self._client:  # its connections close in the server's own event loop
            yield

    async def _forward(self, request: Request) -> Response:
        index = next(self._turn) % len(self.backends)
        headers = [(k, v) for k, v in request.headers.raw if k.lower() not in HOP]
        reply = await self._client.request(
            request.method,
            self.backends[index] + request.url.path,
            params=request.url.query,
            headers=headers,
            content=await request.body(),
        )
        self.served.calls.append((index, request.method, request.url.path))
        response = Response(reply.content, status_code=reply.status_code)
        response.raw_headers += [(k, v) for k, v in reply.headers.raw if k.lower() not in HOP]
        return response

    def __enter__(self) -> RoundRobin:
        self.thread.start()
        while not self.server.started:
            assert self.thread.is_alive(), "the balancer did not start"
            time.sleep(0.01)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
